package org.vcsreplicator.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vcsreplicator.message.Events;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.RepoInitV1;

/** {@link OffsetsAdmin} against a real broker, with groups committed by real consumers. */
class OffsetsAdminIT {

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static final Instant T0 = Instant.parse("2023-11-14T22:13:20.500Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** "Now" for the lag reader: T0 + 100.25 s. Binary fractions keep the arithmetic exact. */
  private static final Clock READER_CLOCK = Clock.fixed(T0.plusMillis(100_250), ZoneOffset.UTC);

  private OffsetsAdmin offsetsAdmin() {
    return new OffsetsAdmin(kafka.clientConfig(), TIMEOUT, READER_CLOCK);
  }

  /**
   * Writes {@code counts[p]} records to each partition p; the record at offset k of any partition
   * is created at T0 + k seconds.
   */
  private static String topicWith(int... counts) throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", counts.length);
    MutableClock clock = new MutableClock(T0);
    try (EventProducer producer = new EventProducer(kafka.clientConfig(), TIMEOUT, clock)) {
      for (int p = 0; p < counts.length; p++) {
        for (int k = 0; k < counts[p]; k++) {
          clock.set(T0.plusSeconds(k));
          producer.send(topic, p, new RepoInitV1(Events.repo("repo-" + p)));
        }
      }
    }
    return topic;
  }

  /** Commits offsets the way a mirror consumer does: a real member of the group, commitSync. */
  private static void commitAsMember(String group, String topic, Map<Integer, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> commit = new TreeMap<>((a, b) -> Integer.compare(a.partition(), b.partition()));
    offsets.forEach((p, o) -> commit.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(group)) {
      consumer.assign(commit.keySet());
      consumer.commitSync(commit, TIMEOUT);
    }
  }

  private static KafkaConsumer<byte[], byte[]> groupConsumer(String group) {
    Map<String, Object> props = kafka.clientConfig().toClientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static PartitionLag lag(String topic, String group, int partition, long committed, long end, double seconds) {
    return new PartitionLag(topic, group, partition, committed, end, end - committed, OptionalDouble.of(seconds));
  }

  @Test
  void reportsCommittedEndAndLagInMessagesAndSecondsPerGroupAndPartition() throws Exception {
    String topic = topicWith(5, 3, 0, 2);
    commitAsMember("mirror-a", topic, Map.of(0, 2L, 1, 3L));

    try (OffsetsAdmin admin = offsetsAdmin()) {
      List<PartitionLag> lags = admin.lag(List.of("mirror-a", "never-committed"), topic);
      assertEquals(List.of(
          // oldest unapplied record of partition 0 is offset 2, created at T0 + 2 s
          lag(topic, "mirror-a", 0, 2, 5, 98.25),
          lag(topic, "mirror-a", 1, 3, 3, 0.0),
          lag(topic, "mirror-a", 2, 0, 0, 0.0),
          // never committed on partition 3: counts from the beginning
          lag(topic, "mirror-a", 3, 0, 2, 100.25),
          lag(topic, "never-committed", 0, 0, 5, 100.25),
          lag(topic, "never-committed", 1, 0, 3, 100.25),
          lag(topic, "never-committed", 2, 0, 0, 0.0),
          lag(topic, "never-committed", 3, 0, 2, 100.25)), lags);
      assertTrue(lags.get(1).isInSync());
    }
  }

  @Test
  void aGroupThatReadEverythingIsInSyncWithZeroLag() throws Exception {
    String topic = topicWith(2, 1);
    commitAsMember("mirror-b", topic, Map.of(0, 2L, 1, 1L));
    try (OffsetsAdmin admin = offsetsAdmin()) {
      assertEquals(List.of(lag(topic, "mirror-b", 0, 2, 2, 0.0), lag(topic, "mirror-b", 1, 1, 1, 0.0)),
          admin.lag("mirror-b", topic));
    }
  }

  @Test
  void aNeverCommittedPartitionCountsFromTheLogStartNotFromZero() throws Exception {
    String topic = topicWith(4);
    kafka.admin().deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(3))).all().get();
    try (OffsetsAdmin admin = offsetsAdmin()) {
      assertEquals(new PartitionOffsets(topic, 0, 3, 4), admin.logOffsets(topic).get(0));
      assertEquals(List.of(lag(topic, "fresh", 0, 3, 4, 97.25)), admin.lag("fresh", topic));
    }
  }

  @Test
  void lagInSecondsIsEmptyWhenTheRecordAtTheCommittedOffsetDoesNotDecode() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 1);
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(kafka.clientConfig().toClientProperties(),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(topic, 0, null, "2\n{}".getBytes(StandardCharsets.UTF_8))).get();
    }
    try (EventProducer producer = new EventProducer(kafka.clientConfig(), TIMEOUT, Clock.fixed(T0, ZoneOffset.UTC))) {
      producer.send(topic, 0, new Heartbeat());
    }
    try (OffsetsAdmin admin = offsetsAdmin()) {
      assertEquals(List.of(new PartitionLag(topic, "stuck", 0, 0, 2, 2, OptionalDouble.empty())), admin.lag("stuck", topic));
    }
  }

  @Test
  void setsTheCommittedOffsetsOfAGroupWithoutMembers() throws Exception {
    String topic = topicWith(5, 2);
    commitAsMember("mirror-c", topic, Map.of(0, 1L, 1, 1L));
    try (OffsetsAdmin admin = offsetsAdmin()) {
      admin.commitOffsets("mirror-c", topic, Map.of(0, 4L));
      SortedMap<Integer, Long> expected = new TreeMap<>(Map.of(0, 4L, 1, 1L));
      assertEquals(expected, admin.committedOffsets("mirror-c", topic));

      admin.commitOffsets("new-mirror", topic, Map.of(0, 5L, 1, 2L));
      assertEquals(List.of(lag(topic, "new-mirror", 0, 5, 5, 0.0), lag(topic, "new-mirror", 1, 2, 2, 0.0)),
          admin.lag("new-mirror", topic));
      assertEquals(new TreeMap<>(), admin.committedOffsets("no-such-group", topic));
    }
    // A consumer of the group now starts where we put it.
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer("mirror-c")) {
      TopicPartition p0 = new TopicPartition(topic, 0);
      consumer.assign(List.of(p0));
      assertEquals(4, consumer.position(p0, TIMEOUT));
    }
  }

  @Test
  void refusesToSetOffsetsOnAPartitionTheTopicDoesNotHave() throws Exception {
    String topic = topicWith(1, 1);
    try (OffsetsAdmin admin = offsetsAdmin()) {
      ReplicationLogUnavailableException e = assertThrows(ReplicationLogUnavailableException.class,
          () -> admin.commitOffsets("mirror-e", topic, Map.of(2, 0L)));
      assertEquals("cannot set committed offsets of group mirror-e on topic " + topic
          + ": partition 2 does not exist (the topic has 2)", e.getMessage());
      assertEquals(new TreeMap<>(), admin.committedOffsets("mirror-e", topic));
    }
  }

  @Test
  void refusesToSetOffsetsWhileTheGroupHasAnActiveMember() throws Exception {
    String topic = topicWith(3);
    try (KafkaConsumer<byte[], byte[]> member = groupConsumer("busy-mirror");
        OffsetsAdmin admin = offsetsAdmin()) {
      member.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (member.assignment().isEmpty() && System.nanoTime() < deadline) {
        member.poll(Duration.ofMillis(100));
      }
      assertEquals(1, member.assignment().size(), "member never got its partition");

      ReplicationLogUnavailableException e = assertThrows(ReplicationLogUnavailableException.class,
          () -> admin.commitOffsets("busy-mirror", topic, Map.of(0, 2L)));
      assertTrue(e.getMessage().startsWith("cannot set committed offsets of group busy-mirror on topic " + topic
          + ": the group has 1 active member(s) ["), e.getMessage());
      assertTrue(e.getMessage().endsWith("]; stop its consumers first"), e.getMessage());
    }
  }

  @Test
  void committedOffsetsAndLagSurviveABrokerRestart() throws Exception {
    String topic = topicWith(3);
    commitAsMember("mirror-d", topic, Map.of(0, 1L));
    kafka.stopBroker();
    try (OffsetsAdmin admin = new OffsetsAdmin(kafka.clientConfig(), Duration.ofMillis(1000), READER_CLOCK)) {
      long t0 = System.nanoTime();
      assertThrows(ReplicationLogUnavailableException.class, () -> admin.lag("mirror-d", topic));
      assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(3).toNanos(), "lag() with the broker down took too long");
    }
    kafka.restartBroker();
    commitAsMember("mirror-d", topic, Map.of(0, 2L));
    try (OffsetsAdmin admin = offsetsAdmin()) {
      assertEquals(List.of(lag(topic, "mirror-d", 0, 2, 3, 98.25)), admin.lag("mirror-d", topic));
    }
  }

  @Test
  void aMissingTopicIsAClearError() {
    String topic = kafka.uniqueTopic("missing");
    try (OffsetsAdmin admin = offsetsAdmin()) {
      ReplicationLogUnavailableException e =
          assertThrows(ReplicationLogUnavailableException.class, () -> admin.lag("any", topic));
      assertTrue(e.getMessage().contains("cannot describe topic " + topic + ": the topic or partition does not exist"),
          e.getMessage());
    }
  }
}
