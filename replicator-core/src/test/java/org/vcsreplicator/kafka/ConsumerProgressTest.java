package org.vcsreplicator.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.metrics.RecordingMetrics;
import org.vcsreplicator.metrics.ReplicationMetrics;

/** Lag and commit figures from the loop's own position and periodically read end offsets. */
class ConsumerProgressTest {
  private static final TopicPartition P0 = new TopicPartition("pushdata", 0);
  private static final TopicPartition P1 = new TopicPartition("pushdata", 1);

  private final RecordingMetrics metrics = new RecordingMetrics();
  private Instant now = Instant.parse("2025-01-01T00:00:00Z");
  private final Clock clock = new Clock() {
    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  };

  /** Counts end-offset reads, and can fail them. */
  private final class CountingConsumer extends MockConsumer<byte[], byte[]> {
    int endOffsetReads;
    boolean failing;

    CountingConsumer() {
      super("earliest");
    }

    @Override
    public synchronized Map<TopicPartition, Long> endOffsets(java.util.Collection<TopicPartition> partitions,
        Duration timeout) {
      endOffsetReads++;
      if (failing) {
        throw new TimeoutException("broker away");
      }
      return super.endOffsets(partitions, timeout);
    }
  }

  private final CountingConsumer kafka = new CountingConsumer();

  @BeforeEach
  void setUp() {
    kafka.assign(List.of(P0, P1));
    kafka.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    kafka.updateEndOffsets(Map.of(P0, 10L, P1, 4L));
    kafka.commitSync(Map.of(P0, new OffsetAndMetadata(7)));
    kafka.seek(P0, 7);
    kafka.seek(P1, 0);
  }

  private ConsumerProgress start() {
    return ConsumerProgress.start(kafka, List.of(P0, P1), metrics, clock, Duration.ofSeconds(5));
  }

  @Test
  void startReportsAssignmentCommittedOffsetsAndLagFromThePositions() {
    start();
    assertEquals(List.of(0, 1), metrics.assigned);
    assertEquals(Map.of(0, 7L), metrics.committed, "partition 1 has no committed offset");
    assertEquals(new RecordingMetrics.Lag(3, OptionalDouble.empty()), metrics.lag.get(0));
    assertEquals(new RecordingMetrics.Lag(4, OptionalDouble.empty()), metrics.lag.get(1));
  }

  @Test
  void theRecordInHandCarriesItsCreatedUntilNothingIsLeft() {
    ConsumerProgress progress = start();
    progress.began(0, 8, OptionalDouble.of(1.5));
    assertEquals(new RecordingMetrics.Lag(2, OptionalDouble.of(1.5)), metrics.lag.get(0));
    progress.committed(0, 9);
    assertEquals(9L, metrics.committed.get(0));
    assertEquals(new RecordingMetrics.Lag(1, OptionalDouble.of(1.5)), metrics.lag.get(0),
        "more pending: the last record's age stands until the next one is in hand");
    progress.began(0, 9, OptionalDouble.of(2.5));
    progress.committed(0, 10);
    assertEquals(new RecordingMetrics.Lag(0, OptionalDouble.empty()), metrics.lag.get(0));
  }

  @Test
  void aRecordBeyondTheLastEndReadCountsAsLag() {
    ConsumerProgress progress = start();
    progress.began(1, 6, OptionalDouble.of(3.0)); // written after the end offsets were read (4)
    assertEquals(new RecordingMetrics.Lag(1, OptionalDouble.of(3.0)), metrics.lag.get(1));
  }

  @Test
  void endOffsetsAreReadOncePerIntervalNotPerRecord() {
    ConsumerProgress progress = start();
    assertEquals(1, kafka.endOffsetReads);
    for (int i = 0; i < 100; i++) {
      progress.began(0, 7, OptionalDouble.empty());
      progress.refreshIfDue();
    }
    assertEquals(1, kafka.endOffsetReads);
    now = now.plusSeconds(5);
    kafka.updateEndOffsets(Map.of(P0, 20L, P1, 4L));
    progress.refreshIfDue();
    assertEquals(2, kafka.endOffsetReads);
    assertEquals(13, metrics.lag.get(0).events(), "20 - 7");
  }

  @Test
  void aFailedReadLeavesTheFiguresAndNeverThrows() {
    ConsumerProgress progress = start();
    kafka.failing = true;
    now = now.plusSeconds(5);
    progress.refreshIfDue();
    assertEquals(new RecordingMetrics.Lag(3, OptionalDouble.empty()), metrics.lag.get(0));
  }

  @Test
  void withoutMetricsNothingIsAskedOfTheBroker() {
    ConsumerProgress progress = ConsumerProgress.start(kafka, List.of(P0, P1), ReplicationMetrics.none(), clock);
    progress.began(0, 7, OptionalDouble.empty());
    progress.committed(0, 8);
    now = now.plusSeconds(60);
    progress.refreshIfDue();
    progress.refresh();
    assertEquals(0, kafka.endOffsetReads);
    assertTrue(metrics.lag.isEmpty());
  }
}
