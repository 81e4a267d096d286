package org.vcsreplicator.aggregator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.metrics.EventOutcome;
import org.vcsreplicator.metrics.RecordingMetrics;

/**
 * Copy mechanics over a fake log: window, order, send-before-commit, undecodable records, stop.
 *
 * @see AggregatorIT
 */
class AggregatorTest {
  private static final String TOPIC = "pushdata";
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00.123456Z");

  @TempDir Path dir;
  private Path groupsFile;
  private final List<String> events = new ArrayList<>();
  private final FakeLog consumer = new FakeLog();
  private final FakeWriter writer = new FakeWriter();

  /** A consumer over an in-memory log that records commits into {@link #events}. */
  private final class FakeLog extends MockConsumer<byte[], byte[]> {
    final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> log = new TreeMap<>(
        (a, b) -> Integer.compare(a.partition(), b.partition()));
    RuntimeException commitFailure;

    FakeLog() {
      super("none");
    }

    void append(int partition, byte[] key, byte[] value) {
      List<ConsumerRecord<byte[], byte[]>> records = log.computeIfAbsent(new TopicPartition(TOPIC, partition), k -> new ArrayList<>());
      records.add(new ConsumerRecord<>(TOPIC, partition, records.size(), key, value));
    }

    @Override
    public synchronized ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      for (TopicPartition tp : assignment()) {
        long position = position(tp);
        for (ConsumerRecord<byte[], byte[]> r : log.getOrDefault(tp, List.of())) {
          if (r.offset() >= position) {
            addRecord(r);
          }
        }
      }
      return super.poll(timeout);
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      if (commitFailure != null) {
        throw commitFailure;
      }
      offsets.forEach((tp, om) -> events.add("commit " + tp.partition() + "@" + om.offset()));
      super.commitSync(offsets);
    }
  }

  /** Records writes into {@link #events}; fails on script. */
  private final class FakeWriter implements AggregateWriter {
    final List<byte[]> keys = new ArrayList<>();
    final List<byte[]> values = new ArrayList<>();
    int failOnWrite = -1;

    @Override
    public RecordCoordinates write(byte[] key, byte[] value) throws ReplicationLogUnavailableException {
      if (values.size() == failOnWrite) {
        throw new ReplicationLogUnavailableException("scripted failure");
      }
      keys.add(key);
      values.add(value);
      events.add("write");
      return new RecordCoordinates("agg", 0, values.size() - 1);
    }

    Message message(int i) throws Exception {
      return WireCodec.decode(values.get(i));
    }

    @Override
    public void close() {}
  }

  @BeforeEach
  void groups() throws Exception {
    groupsFile = dir.resolve("groups");
    Files.writeString(groupsFile, "hgweb1\nhgweb2\n");
  }

  private static byte[] encoded(Message m) {
    return WireCodec.encode(m);
  }

  private static Message init(String repo, double created) {
    return Message.of(new RepoInitV2(new WirePath(repo), true)).withCreated(created);
  }

  private Aggregator aggregator(AggregationStatusSource status) {
    return new Aggregator(TOPIC, groupsFile, "aggregator", status, consumer, writer,
        Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(2));
  }

  private static AggregationStatusSource fixed(PartitionStatus... partitions) {
    return groups -> new AggregationStatus(List.of(partitions));
  }

  @Test
  void copiesEachWindowInPartitionOrderCommittingAfterEachAcknowledgedWrite() throws Exception {
    for (int i = 0; i < 5; i++) {
      consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(100 + i)));
    }
    for (int i = 0; i < 3; i++) {
      consumer.append(2, ("{moz}/r" + i).getBytes(StandardCharsets.UTF_8), encoded(init("{moz}/r" + i, 200 + i)));
    }
    AggregationStatusSource status = fixed(
        new PartitionStatus(0, 0, 5, 4, 1),
        new PartitionStatus(1, 0, 0, 0, 0),
        new PartitionStatus(2, 0, 3, 2, 0));
    try (Aggregator a = aggregator(status)) {
      assertEquals(5, a.synchronize(() -> false));
    }
    assertEquals(List.of("write", "commit 0@2", "write", "commit 0@3", "write", "commit 0@4",
        "write", "commit 2@1", "write", "commit 2@2"), events);
    double now = Aggregator.secondsSinceEpoch(NOW);
    assertEquals(Message.of(new Heartbeat()).withCreated(now)
            .withExtraField(Message.ORIGINAL_CREATED, 101.0).withExtraField(Message.ORIGINAL_PARTITION, 0),
        writer.message(0));
    assertEquals(OptionalDouble.of(103.0), writer.message(2).originalCreated());
    assertEquals(init("{moz}/r1", now).withExtraField(Message.ORIGINAL_CREATED, 201.0)
        .withExtraField(Message.ORIGINAL_PARTITION, 2), writer.message(4));
    assertEquals("{moz}/r1", new String(writer.keys.get(4), StandardCharsets.UTF_8), "key copied");
    assertEquals(null, writer.keys.get(0));
  }

  @Test
  void reportsEachCopyAsAppliedWithTheCommittedOffsetAndTheLagLeft() throws Exception {
    consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(100)));
    consumer.append(0, null, encoded(init("{moz}/r", 101)));
    consumer.append(0, null, "2\n{}".getBytes(StandardCharsets.UTF_8));
    consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(103)));
    RecordingMetrics metrics = new RecordingMetrics();
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    AggregationStatusSource status = groups -> {
      OffsetAndMetadata acked = consumer.committed(java.util.Set.of(p0)).get(p0);
      return new AggregationStatus(List.of(new PartitionStatus(0, 0, 4, 4, acked == null ? 0 : acked.offset()),
          new PartitionStatus(1, 0, 0, 0, 0)));
    };
    try (Aggregator a = new Aggregator(TOPIC, groupsFile, "aggregator", status, consumer, writer,
        Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(2), metrics)) {
      // Stops after the second copy: the lag then still counts the two records left.
      assertEquals(2, a.synchronize(() -> writer.values.size() >= 2));
      assertEquals(List.of(0, 1), metrics.assigned);
      assertEquals(List.of(
          new RecordingMetrics.Handled(0, "heartbeat-1", EventOutcome.APPLIED),
          new RecordingMetrics.Handled(0, "hg-repo-init-2", EventOutcome.APPLIED)), metrics.handled);
      assertEquals(Map.of(0, 2L, 1, 0L), metrics.committed);
      assertEquals(new RecordingMetrics.Lag(2, OptionalDouble.of(101)), metrics.lag.get(0));
      assertEquals(new RecordingMetrics.Lag(0, OptionalDouble.empty()), metrics.lag.get(1));

      assertEquals(2, a.synchronize(() -> false));
    }
    assertEquals(new RecordingMetrics.Handled(0, "unknown", EventOutcome.APPLIED), metrics.handled.get(2),
        "an undecodable record is copied too");
    assertEquals(4L, metrics.committed.get(0));
    assertEquals(new RecordingMetrics.Lag(0, OptionalDouble.empty()), metrics.lag.get(0));
  }

  @Test
  void failedWriteCommitsNothingForThatRecord() {
    for (int i = 0; i < 3; i++) {
      consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(i)));
    }
    writer.failOnWrite = 1;
    try (Aggregator a = aggregator(fixed(new PartitionStatus(0, 0, 3, 3, 0)))) {
      assertThrows(ReplicationLogUnavailableException.class, () -> a.synchronize(() -> false));
    }
    assertEquals(List.of("write", "commit 0@1"), events);
  }

  @Test
  void failedCommitAfterWriteSaysTheRecordWillBeCopiedAgain() {
    consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(1)));
    consumer.commitFailure = new org.apache.kafka.common.errors.TimeoutException("coordinator gone");
    try (Aggregator a = aggregator(fixed(new PartitionStatus(0, 0, 1, 1, 0)))) {
      ReplicationLogUnavailableException e =
          assertThrows(ReplicationLogUnavailableException.class, () -> a.synchronize(() -> false));
      assertTrue(e.getMessage().contains("will be copied again"), e.getMessage());
    }
    assertEquals(List.of("write"), events);
  }

  @Test
  void undecodableRecordIsCopiedByteForByteAndLoggedAsError() throws Exception {
    byte[] poison = "2\n{\"name\": \"future\"}".getBytes(StandardCharsets.UTF_8);
    byte[] unknownKind = "1\n{\"_created\": 1.0, \"name\": \"hg-new-kind-9\", \"path\": \"{moz}/x\"}".getBytes(StandardCharsets.UTF_8);
    consumer.append(4, "{moz}/x".getBytes(StandardCharsets.UTF_8), poison);
    consumer.append(4, null, unknownKind);
    consumer.append(4, null, encoded(Message.of(new Heartbeat()).withCreated(3)));
    try (LogCapture logs = new LogCapture(); Aggregator a = aggregator(fixed(new PartitionStatus(4, 0, 3, 3, 0)))) {
      assertEquals(3, a.synchronize(() -> false));
      List<String> errors = logs.at(Level.ERROR);
      assertEquals(2, errors.size(), errors.toString());
      assertTrue(errors.get(0).startsWith("undecodable record at topic=pushdata partition=4 offset=0"), errors.get(0));
      assertTrue(errors.get(0).contains("copying its bytes unchanged"), errors.get(0));
      assertTrue(errors.get(1).contains("offset=1"), errors.get(1));
    }
    assertArrayEquals(poison, writer.values.get(0));
    assertArrayEquals("{moz}/x".getBytes(StandardCharsets.UTF_8), writer.keys.get(0));
    assertArrayEquals(unknownKind, writer.values.get(1));
    assertEquals(OptionalDouble.of(3.0), writer.message(2).originalCreated());
    assertEquals(List.of("write", "commit 4@1", "write", "commit 4@2", "write", "commit 4@3"), events);
  }

  @Test
  void stopRequestFinishesTheRecordInHandAndCopiesNoMore() throws Exception {
    for (int i = 0; i < 4; i++) {
      consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(i)));
    }
    try (Aggregator a = aggregator(fixed(new PartitionStatus(0, 0, 4, 4, 0)))) {
      assertEquals(1, a.synchronize(() -> writer.values.size() >= 1));
    }
    assertEquals(List.of("write", "commit 0@1"), events);
  }

  @Test
  void missingGroupsFileCopiesNothingAndSaysSoOnce() throws Exception {
    Files.delete(groupsFile);
    AtomicInteger statusReads = new AtomicInteger();
    try (LogCapture logs = new LogCapture(); Aggregator a = aggregator(groups -> {
      statusReads.incrementAndGet();
      return new AggregationStatus(List.of());
    })) {
      assertEquals(0, a.synchronize(() -> false));
      assertEquals(0, a.synchronize(() -> false));
      assertEquals(0, statusReads.get());
      assertEquals(List.of("consumer groups file " + groupsFile
          + ": does not exist; nothing is copied until it lists the mirrors' groups"), logs.at(Level.WARN));
      Files.writeString(groupsFile, "hgweb1\n");
      assertEquals(0, a.synchronize(() -> false));
      assertEquals(1, statusReads.get());
      assertEquals(List.of("copying records of topic=pushdata acknowledged by consumer groups [hgweb1] (from "
          + groupsFile + ")"), logs.at(Level.INFO));
    }
  }

  @Test
  void groupsFileIsReadOnEveryPoll() throws Exception {
    List<List<String>> seen = new ArrayList<>();
    try (Aggregator a = aggregator(groups -> {
      seen.add(groups);
      return new AggregationStatus(List.of());
    })) {
      a.synchronize(() -> false);
      Files.writeString(groupsFile, "hgweb1\nhgweb2\nhgweb3\n");
      a.synchronize(() -> false);
      Files.writeString(groupsFile, "hgweb2\n");
      a.synchronize(() -> false);
    }
    assertEquals(List.of(List.of("hgweb1", "hgweb2"), List.of("hgweb1", "hgweb2", "hgweb3"), List.of("hgweb2")), seen);
  }

  @Test
  void ownAckGroupInTheGroupsFileIsIgnored() throws Exception {
    Files.writeString(groupsFile, "hgweb1\naggregator\n");
    List<Collection<String>> seen = new ArrayList<>();
    try (LogCapture logs = new LogCapture(); Aggregator a = aggregator(groups -> {
      seen.add(groups);
      return new AggregationStatus(List.of());
    })) {
      a.synchronize(() -> false);
      assertTrue(logs.at(Level.WARN).get(0).contains("lists the aggregator's own group aggregator"), logs.lines().toString());
    }
    assertEquals(List.of(List.of("hgweb1")), seen);
  }

  @Test
  void nothingPendingCopiesNothing() throws Exception {
    consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(1)));
    try (Aggregator a = aggregator(fixed(new PartitionStatus(0, 0, 1, 1, 1)))) {
      assertEquals(0, a.synchronize(() -> false));
    }
    assertEquals(List.of(), events);
  }

  @Test
  void recordsThatDoNotArriveInTimeAreATransientFailure() {
    consumer.append(0, null, encoded(Message.of(new Heartbeat()).withCreated(1)));
    // The status claims 3 acknowledged records but the log has only one (and its end is not past 1).
    Aggregator a = new Aggregator(TOPIC, groupsFile, "aggregator", fixed(new PartitionStatus(0, 0, 3, 3, 0)),
        consumer, writer, Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(300));
    try (a) {
      ReplicationLogUnavailableException e =
          assertThrows(ReplicationLogUnavailableException.class, () -> a.synchronize(() -> false));
      assertTrue(e.getMessage().contains("partition=0 from offset 1: no record within 300 ms"), e.getMessage());
    }
    assertEquals(List.of("write", "commit 0@1"), events);
  }

  @Test
  void copyKeepsEveryFieldAndReplacesStaleOriginals() {
    Message stage1 = Message.of(new Heartbeat()).withCreated(20.5)
        .withExtraField(Message.ORIGINAL_CREATED, 10.25)
        .withExtraField(Message.ORIGINAL_PARTITION, 7)
        .withExtraField("future_field", JsonNodeFactory.instance.textNode("kept"));
    Message copy = Aggregator.copyOf(stage1, 0, 30.0);
    assertEquals(OptionalDouble.of(30.0), copy.created());
    assertEquals(OptionalDouble.of(20.5), copy.originalCreated());
    assertEquals(0, copy.originalPartition().getAsInt());
    assertEquals("kept", copy.extras().get("future_field").textValue());

    Message noCreated = Message.of(new Heartbeat()).withExtraField(Message.ORIGINAL_CREATED, 10.25);
    Message copy2 = Aggregator.copyOf(noCreated, 3, 30.0);
    assertFalse(copy2.originalCreated().isPresent(), "no stale _original_created");
    assertEquals(3, copy2.originalPartition().getAsInt());
  }

  @Test
  void secondsSinceEpochHasMicrosecondPrecision() {
    assertEquals(1714564800.123456, Aggregator.secondsSinceEpoch(NOW));
  }
}
