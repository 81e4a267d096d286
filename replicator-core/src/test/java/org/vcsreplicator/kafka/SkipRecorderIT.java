package org.vcsreplicator.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Events;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RepoInitV1;
import org.vcsreplicator.skip.Actor;
import org.vcsreplicator.skip.SkipRecord;

/**
 * {@link SkipRecorder} and {@link SkipRecordReader} against a real broker: the skip record is
 * acknowledged before the offset moves, a crash between the two loses nothing, a record that
 * cannot be written commits nothing.
 */
class SkipRecorderIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final Actor ALICE = new Actor("hgweb1", "alice");
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T03:00:00Z"), ZoneOffset.UTC);

  private record World(String topic, String audit, String group) {}

  /** A one-partition replication topic with two events, an audit topic name (not created). */
  private static World world() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 1);
    try (EventProducer producer = new EventProducer(kafka.clientConfig(), TIMEOUT, Clock.systemUTC())) {
      producer.send(topic, 0, new RepoInitV1(Events.repo("a")));
      producer.send(topic, 0, new RepoInitV1(Events.repo("b")));
    }
    return new World(topic, topic + "-skipped", "mirror-" + topic);
  }

  private static KafkaConsumer<byte[], byte[]> groupConsumer(String group) {
    Map<String, Object> props = kafka.clientConfig().toClientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** The first record of the topic, read by a member of the group (assigned, not subscribed). */
  private static ConsumerRecord<byte[], byte[]> first(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    TopicPartition tp = new TopicPartition(topic, 0);
    consumer.assign(List.of(tp));
    consumer.seek(tp, 0);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        return r;
      }
    }
    throw new AssertionError("no record arrived in " + topic);
  }

  private static OffsetAndMetadata committed(World w) throws Exception {
    return kafka.admin().listConsumerGroupOffsets(w.group()).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
        .get(new TopicPartition(w.topic(), 0));
  }

  private static SkipRecorder recorder(World w, Runnable afterRecorded) {
    return new SkipRecorder(kafka.clientConfig("mirror"), w.audit(), TIMEOUT, CLOCK, ALICE, afterRecorded);
  }

  private static List<SkipRecord> audit(World w) {
    return new SkipRecordReader(kafka.clientConfig(), w.audit(), TIMEOUT).readAll();
  }

  @Test
  void recordsTheFullEventThenCommitsAndCreatesTheAuditTopic() throws Exception {
    World w = world();
    assertEquals(List.of(), audit(w), "no audit topic yet: nothing was ever skipped");
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(w.group());
        SkipRecorder recorder = recorder(w, () -> { })) {
      ConsumerRecord<byte[], byte[]> record = first(consumer, w.topic());
      SkipRecord skip = recorder.skip(consumer, w.group(), record, new SkipRequest(OptionalLong.empty(), Optional.of("bug 1234")));
      assertEquals(w.group() + ":" + w.topic() + ":0:0", skip.id());
    }
    OffsetAndMetadata committed = committed(w);
    assertEquals(1, committed.offset());
    assertEquals("skipped; recorded as " + w.group() + ":" + w.topic() + ":0:0 in " + w.audit(), committed.metadata());

    List<SkipRecord> records = audit(w);
    assertEquals(1, records.size());
    SkipRecord r = records.get(0);
    byte[] wire = kafka.readAll(w.topic()).get(0).value();
    assertArrayEquals(wire, r.event(), "the event exactly as on the wire");
    assertEquals(Message.of(new RepoInitV1(Events.repo("a"))).event(), WireCodec.decode(r.event()).event());
    assertEquals(ALICE, r.by());
    assertEquals(Instant.parse("2024-05-01T03:00:00Z"), r.time());
    assertEquals(Optional.of("bug 1234"), r.reason());
    assertEquals(Optional.of(Events.repo("a").value()), r.key());

    TopicDescription d = kafka.admin().describeTopics(List.of(w.audit())).allTopicNames().get(10, TimeUnit.SECONDS)
        .get(w.audit());
    assertEquals(1, d.partitions().size());
    Config config = kafka.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, w.audit())))
        .all().get(10, TimeUnit.SECONDS).values().iterator().next();
    assertEquals("-1", config.get("retention.ms").value());
    assertEquals("-1", config.get("retention.bytes").value());
  }

  /** The process dies after the broker has the record and before the commit: nothing is lost. */
  @Test
  void aCrashBetweenRecordAndCommitLeavesTheEventPendingAndTheRecordWritten() throws Exception {
    World w = world();
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(w.group());
        SkipRecorder recorder = recorder(w, () -> {
          throw new IllegalStateException("killed between record and commit");
        })) {
      ConsumerRecord<byte[], byte[]> record = first(consumer, w.topic());
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> recorder.skip(consumer, w.group(), record, SkipRequest.next()));
      assertEquals("killed between record and commit", e.getMessage());
    }
    assertNull(committed(w), "the event is still pending");
    assertEquals(List.of(w.group() + ":" + w.topic() + ":0:0"), audit(w).stream().map(SkipRecord::id).toList());

    // The operator runs --skip again: the same event is recorded again and now skipped.
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(w.group()); SkipRecorder recorder = recorder(w, () -> { })) {
      recorder.skip(consumer, w.group(), first(consumer, w.topic()), SkipRequest.next());
    }
    assertEquals(1, committed(w).offset());
    List<SkipRecord> records = audit(w);
    assertEquals(2, records.size());
    assertEquals(records.get(0).id(), records.get(1).id());
    assertArrayEquals(records.get(0).event(), records.get(1).event());
  }

  @Test
  void anOffsetOtherThanTheNextIsRefusedBeforeAnythingIsWritten() throws Exception {
    World w = world();
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(w.group()); SkipRecorder recorder = recorder(w, () -> {
      throw new AssertionError("must not get past the check");
    })) {
      ConsumerRecord<byte[], byte[]> record = first(consumer, w.topic());
      SkipRefusedException e = assertThrows(SkipRefusedException.class, () -> recorder.skip(consumer, w.group(),
          record, new SkipRequest(OptionalLong.of(1), Optional.of("meant the second"))));
      assertEquals("refusing to skip: the next event of partition 0 is at offset 0, not 1; nothing skipped, "
          + "nothing recorded", e.getMessage());
    }
    assertNull(committed(w));
    assertEquals(List.of(), audit(w));
    assertEquals(List.of(), kafka.admin().listTopics().names().get(10, TimeUnit.SECONDS).stream()
        .filter(w.audit()::equals).toList(), "not even the audit topic was created");
  }

  @Test
  void aRecordTheBrokerRefusesCommitsNothing() throws Exception {
    World w = world();
    // A real refusal: the audit topic takes no record as large as a skip record.
    kafka.createTopic(w.audit(), 1, Map.of("max.message.bytes", "64"));
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(w.group()); SkipRecorder recorder = recorder(w, () -> {
      throw new AssertionError("must not get past the record");
    })) {
      ConsumerRecord<byte[], byte[]> record = first(consumer, w.topic());
      SkipNotRecordedException e = assertThrows(SkipNotRecordedException.class,
          () -> recorder.skip(consumer, w.group(), record, SkipRequest.next()));
      assertTrue(e.getMessage().startsWith("cannot record the skip of " + w.group() + ":" + w.topic() + ":0:0 in topic "
          + w.audit() + ": "), e.getMessage());
      assertTrue(e.getMessage().endsWith("; nothing was committed, the event is still pending"), e.getMessage());
    }
    assertNull(committed(w));
    assertEquals(List.of(), audit(w));
  }

  @Test
  void usesAnAuditTopicThatExistsAndRecordsReplays() throws Exception {
    World w = world();
    kafka.createTopic(w.audit(), 1);
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(w.group()); SkipRecorder recorder = recorder(w, () -> { })) {
      SkipRecord skip = recorder.skip(consumer, w.group(), first(consumer, w.topic()), SkipRequest.next());
      SkipRecord replay = recorder.recordReplay(skip, Optional.of("fixed the repo"));
      assertEquals(Optional.of(skip.id()), replay.replayOf());
    }
    List<SkipRecord> records = audit(w);
    assertEquals(2, records.size());
    assertEquals(Optional.of(records.get(0).id()), records.get(1).replayOf());
    assertEquals(Optional.of("fixed the repo"), records.get(1).reason());
  }

  @Test
  void readerLeavesOutValuesThatAreNotSkipRecords() throws Exception {
    World w = world();
    kafka.createTopic(w.audit(), 1);
    Map<String, Object> props = kafka.clientConfig().toClientProperties();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(w.audit(), "garbage".getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
    }
    try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(w.group()); SkipRecorder recorder = recorder(w, () -> { })) {
      recorder.skip(consumer, w.group(), first(consumer, w.topic()), SkipRequest.next());
    }
    assertEquals(Set.of(w.group() + ":" + w.topic() + ":0:0"), Set.copyOf(audit(w).stream().map(SkipRecord::id).toList()));
  }
}
