package org.vcsreplicator.bootstrap;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * {@link ReplicationLogWindow} on the mirror's Kafka topic, through a plain consumer that joins no
 * group and commits nothing: the bootstrap sets the group's offsets itself, once, through the
 * admin client. Log lines are the original's ({@code assigning the consumer to partition 2}, …).
 *
 * <p>Not thread-safe (one thread owns the consumer).
 */
public final class KafkaWindowReader implements ReplicationLogWindow, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BootstrapLog.NAME);
  private static final Duration POLL = Duration.ofMillis(200);

  /** Records that stop arriving for this long mean the broker is in trouble; give up. */
  static final Duration FETCH_LIMIT = Duration.ofSeconds(60);

  private final Consumer<byte[], byte[]> kafka;
  private final String topic;
  private final Duration fetchLimit;
  private final Clock clock;

  /** A reader on the topic of the mirror's consumer settings (its TLS/SASL settings included). */
  public static KafkaWindowReader open(ConsumerSettings settings) {
    Properties p = ConsumeSession.consumerProperties(settings);
    // No group: reading the window must not touch the mirror group's offsets.
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    // A window start already deleted by retention is an error, never "read something else".
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    return new KafkaWindowReader(new KafkaConsumer<>(p), settings.topic(), FETCH_LIMIT, Clock.systemUTC());
  }

  /** For testing: any consumer (owned by this reader from now on). */
  KafkaWindowReader(Consumer<byte[], byte[]> kafka, String topic, Duration fetchLimit, Clock clock) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.fetchLimit = Objects.requireNonNull(fetchLimit, "fetchLimit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public List<Integer> partitions() throws BootstrapException {
    List<PartitionInfo> infos;
    try {
      infos = kafka.partitionsFor(topic, fetchLimit);
    } catch (KafkaException e) {
      throw new BootstrapException("cannot read the partitions of topic " + topic + ": " + e.getMessage(), e);
    }
    if (infos == null || infos.isEmpty()) {
      throw new BootstrapException("topic " + topic + " does not exist");
    }
    return infos.stream().map(PartitionInfo::partition).sorted().toList();
  }

  @Override
  public List<WindowRecord> read(int partition, OffsetWindow window) throws BootstrapException {
    TopicPartition tp = new TopicPartition(topic, partition);
    try {
      return readWindow(tp, window);
    } catch (KafkaException e) {
      throw new BootstrapException("cannot read offsets " + window.start() + " to " + window.end() + " of " + tp
          + ": " + e.getMessage(), e);
    }
  }

  private List<WindowRecord> readWindow(TopicPartition tp, OffsetWindow window) throws BootstrapException {
    long beginning = kafka.beginningOffsets(List.of(tp), fetchLimit).get(tp);
    long logEnd = kafka.endOffsets(List.of(tp), fetchLimit).get(tp);
    if (window.start() < beginning) {
      throw new BootstrapException("the window of partition " + tp.partition() + " starts at offset " + window.start()
          + " but the log now begins at " + beginning + " (older records were deleted by retention); "
          + "make a new snapshot with bootstrap-master");
    }
    if (window.end() > logEnd) {
      throw new BootstrapException("the window of partition " + tp.partition() + " ends at offset " + window.end()
          + " but the log ends at " + logEnd + "; is the snapshot from another topic or cluster?");
    }
    log.info("assigning the consumer to partition {}", tp.partition());
    kafka.assign(List.of(tp));
    log.info("seeking the consumer to offset {}", window.start());
    kafka.seek(tp, window.start());
    log.info("partition {} of topic {} moved to offset {}", tp.partition(), tp.topic(), window.start());
    List<WindowRecord> out = new ArrayList<>();
    Instant deadline = clock.instant().plus(fetchLimit);
    // Positions, not record counts: offsets may have gaps (compaction, transaction markers).
    while (kafka.position(tp, fetchLimit) < window.end()) {
      boolean progress = false;
      for (ConsumerRecord<byte[], byte[]> r : kafka.poll(POLL).records(tp)) {
        if (r.offset() >= window.end()) {
          break;
        }
        out.add(WindowRecord.decode(new RecordCoordinates(r.topic(), r.partition(), r.offset()), r.key(), r.value()));
        log.info("message on partition {}, offset {} has been collected", r.partition(), r.offset());
        progress = true;
      }
      if (progress) {
        deadline = clock.instant().plus(fetchLimit);
      } else if (!clock.instant().isBefore(deadline)) {
        throw new BootstrapException("records of " + tp + " stopped arriving at offset " + kafka.position(tp)
            + " (window ends at " + window.end() + "); nothing new for " + fetchLimit.toSeconds() + "s");
      }
    }
    log.info("finished retrieving messages on partition {}", tp.partition());
    return out;
  }

  @Override
  public void close() {
    kafka.close();
  }
}
