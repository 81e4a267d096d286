package org.vcsreplicator.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.config.KafkaConnection;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EmbeddedKafka.StoredRecord;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;

/**
 * The aggregator against a real broker: windows, order, added fields, groups file changes,
 * restarts, a crash between copy and commit, and the two chained stages of production.
 *
 * @see AggregatorTest
 * @see AggregationStatusTest
 */
class AggregatorIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static final Instant COPY_TIME = Instant.parse("2024-05-01T12:00:00.5Z");
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private static EventProducer producer;
  private static OffsetsAdmin admin;

  @TempDir Path dir;
  private Path groupsFile;
  private String source;
  private String aggregate;
  private String ackGroup;

  @BeforeAll
  static void clients() {
    producer = new EventProducer(kafka.clientConfig(), TIMEOUT, Clock.systemUTC());
    admin = new OffsetsAdmin(kafka.clientConfig(), TIMEOUT, Clock.systemUTC());
  }

  @AfterAll
  static void closeClients() {
    producer.close();
    admin.close();
  }

  @BeforeEach
  void topics() throws Exception {
    source = kafka.createUniqueTopic("pushdata", 8);
    aggregate = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    ackGroup = kafka.uniqueTopic("aggregator");
    groupsFile = dir.resolve("groups");
    Files.writeString(groupsFile, "hgweb1\nhgweb2\n");
  }

  private AggregatorSettings settings(String from, String to, Path groups, String ack) {
    KafkaConnection connection = KafkaConnection.builder().hosts(kafka.bootstrapServers()).clientId("aggregator").build();
    return new AggregatorSettings(connection, from, groups, ack, to);
  }

  private Aggregator aggregator() {
    return Aggregator.create(settings(source, aggregate, groupsFile, ackGroup), TIMEOUT, Clock.fixed(COPY_TIME, ZoneOffset.UTC));
  }

  private static Message init(String repo) {
    return Message.of(new RepoInitV2(new WirePath(repo), true));
  }

  private static double created = 1_700_000_000.25;

  /**
   * Writes {@code message} to {@code partition} of the source topic with a distinct {@code _created}
   * (the producer keeps a stamp it is given); returns it as stored.
   */
  private Message write(int partition, Message message) throws Exception {
    Message stamped = message.withCreated(created += 1.5);
    producer.send(source, partition, stamped);
    return stamped;
  }

  private void commit(String group, Map<Integer, Long> offsets) throws Exception {
    admin.commitOffsets(group, source, offsets);
  }

  /** What a copy of {@code stored} from {@code partition} must decode to. */
  private static Message expectedCopy(Message stored, int partition) {
    return stored.withCreated(Aggregator.secondsSinceEpoch(COPY_TIME))
        .withExtraField(Message.ORIGINAL_CREATED, stored.created().getAsDouble())
        .withExtraField(Message.ORIGINAL_PARTITION, partition);
  }

  private List<Message> copied() {
    return kafka.readAll(aggregate).stream().map(StoredRecord::message).toList();
  }

  private static final BooleanSupplier NEVER = () -> false;

  /** The aggregator's committed offset on {@code partition} (0 when none). */
  private long copiedSoFar(int partition) {
    try {
      return admin.committedOffsets(ackGroup, source).getOrDefault(partition, 0L);
    } catch (ReplicationLogUnavailableException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void copiesExactlyWhatBothGroupsAcknowledgedInPartitionOrder() throws Exception {
    List<Message> p0 = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      p0.add(write(0, Message.of(new Heartbeat())));
    }
    Message p2a = write(2, init("{moz}/mozilla-central"));
    Message p2b = write(2, init("{moz}/mc2"));
    Message p4 = write(4, init("{moz}/try"));
    Message p7 = write(7, init("{moz}/users/foo"));
    // hgweb1 is ahead on 0, hgweb2 ahead on 2; only hgweb1 has applied partition 7.
    commit("hgweb1", Map.of(0, 3L, 2, 1L, 4, 1L, 7, 1L));
    commit("hgweb2", Map.of(0, 2L, 2, 2L, 4, 1L));

    try (Aggregator a = aggregator()) {
      assertEquals(4, a.synchronize(NEVER));
      assertEquals(0, a.synchronize(NEVER), "nothing more is acknowledged by both");
    }
    assertEquals(List.of(expectedCopy(p0.get(0), 0), expectedCopy(p0.get(1), 0), expectedCopy(p2a, 2),
        expectedCopy(p4, 4)), copied());
    assertEquals(Map.of(0, 2L, 2, 1L, 4, 1L), admin.committedOffsets(ackGroup, source));
    assertEquals("{moz}/mozilla-central",
        kafka.readAll(aggregate).get(2).keyString().orElseThrow(), "the source key is kept");

    // The laggards catch up: the rest is copied, in partition order, after what was copied before.
    commit("hgweb1", Map.of(0, 4L, 2, 2L));
    commit("hgweb2", Map.of(0, 4L, 7, 1L));
    try (Aggregator a = aggregator()) {
      assertEquals(4, a.synchronize(NEVER));
    }
    assertEquals(List.of(expectedCopy(p0.get(0), 0), expectedCopy(p0.get(1), 0), expectedCopy(p2a, 2),
        expectedCopy(p4, 4), expectedCopy(p0.get(2), 0), expectedCopy(p0.get(3), 0), expectedCopy(p2b, 2),
        expectedCopy(p7, 7)), copied());
    assertEquals(Map.of(0, 4L, 2, 2L, 4, 1L, 7, 1L), admin.committedOffsets(ackGroup, source));
  }

  @Test
  void groupsFileEditedBetweenPollsTakesEffect() throws Exception {
    for (int i = 0; i < 3; i++) {
      write(2, init("{moz}/r" + i));
    }
    commit("hgweb1", Map.of(2, 1L));
    commit("hgweb2", Map.of(2, 1L));
    try (Aggregator a = aggregator()) {
      assertEquals(1, a.synchronize(NEVER));

      // A new mirror joins: it has applied nothing, so copying is held back although the others move on.
      Files.writeString(groupsFile, "hgweb1\nhgweb2\nhgweb3\n");
      commit("hgweb1", Map.of(2, 3L));
      commit("hgweb2", Map.of(2, 3L));
      assertEquals(0, a.synchronize(NEVER));
      assertEquals(1, copied().size());

      commit("hgweb3", Map.of(2, 2L));
      assertEquals(1, a.synchronize(NEVER));
      assertEquals(2, copied().size());

      // The new mirror dies and is taken out of the file: the rest flows.
      Files.writeString(groupsFile, "hgweb1\n# hgweb3 is being rebuilt\nhgweb2\n");
      assertEquals(1, a.synchronize(NEVER));
    }
    assertEquals(List.of("{moz}/r0", "{moz}/r1", "{moz}/r2"),
        copied().stream().map(m -> m.event().repo().orElseThrow().value()).toList());
  }

  @Test
  void restartContinuesWhereItLeftWithoutLossOrDuplicate() throws Exception {
    for (int i = 0; i < 6; i++) {
      write(5, init("{moz}/users/r" + i));
    }
    commit("hgweb1", Map.of(5, 6L));
    commit("hgweb2", Map.of(5, 6L));
    // Stop after three records, as on SIGTERM.
    try (Aggregator a = aggregator()) {
      assertEquals(3, a.synchronize(() -> copiedSoFar(5) >= 3));
    }
    assertEquals(3, copied().size());
    try (Aggregator a = aggregator()) {
      assertEquals(3, a.synchronize(NEVER));
    }
    assertEquals(List.of("{moz}/users/r0", "{moz}/users/r1", "{moz}/users/r2", "{moz}/users/r3", "{moz}/users/r4",
        "{moz}/users/r5"), copied().stream().map(m -> m.event().repo().orElseThrow().value()).toList());
  }

  @Test
  void crashBetweenCopyAndCommitDuplicatesButNeverLoses() throws Exception {
    Message first = write(1, init("{moz}/integration/a"));
    Message second = write(1, init("{moz}/integration/b"));
    commit("hgweb1", Map.of(1, 2L));
    commit("hgweb2", Map.of(1, 2L));
    KafkaClientConfig config = kafka.clientConfig("aggregator");
    AggregatorSettings s = settings(source, aggregate, groupsFile, ackGroup);
    // The second copy reaches the broker, then the process "dies" before committing.
    KafkaAggregateWriter real = new KafkaAggregateWriter(config, aggregate, TIMEOUT);
    AggregateWriter crashing = new AggregateWriter() {
      int writes;

      @Override
      public RecordCoordinates write(byte[] key, byte[] value) throws ReplicationLogUnavailableException {
        RecordCoordinates at = real.write(key, value);
        if (++writes == 2) {
          throw new ReplicationLogUnavailableException("simulated crash after the copy was acknowledged");
        }
        return at;
      }

      @Override
      public void close() {
        real.close();
      }
    };
    Aggregator dying = new Aggregator(source, groupsFile, ackGroup,
        new AggregationStatusReader(admin, source, ackGroup),
        new KafkaConsumer<>(Aggregator.consumerProperties(config, ackGroup, TIMEOUT), new ByteArrayDeserializer(),
            new ByteArrayDeserializer()),
        crashing, Clock.fixed(COPY_TIME, ZoneOffset.UTC), TIMEOUT);
    try (dying) {
      assertThrows(ReplicationLogUnavailableException.class, () -> dying.synchronize(NEVER));
    }
    assertEquals(Map.of(1, 1L), admin.committedOffsets(ackGroup, source), "the second copy was not committed");

    try (Aggregator a = Aggregator.create(s, TIMEOUT, Clock.fixed(COPY_TIME, ZoneOffset.UTC))) {
      assertEquals(1, a.synchronize(NEVER));
    }
    assertEquals(List.of(expectedCopy(first, 1), expectedCopy(second, 1), expectedCopy(second, 1)), copied());
    assertEquals(Map.of(1, 2L), admin.committedOffsets(ackGroup, source));
  }

  @Test
  void undecodableRecordIsCopiedUnchangedAndDoesNotWedge() throws Exception {
    byte[] poison = "not a replication message".getBytes(StandardCharsets.UTF_8);
    try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(
        kafka.clientConfig().toClientProperties(), new ByteArraySerializer(), new ByteArraySerializer())) {
      raw.send(new ProducerRecord<>(source, 3, "{moz}/private/x".getBytes(StandardCharsets.UTF_8), poison)).get();
    }
    Message after = write(3, init("{moz}/private/y"));
    commit("hgweb1", Map.of(3, 2L));
    commit("hgweb2", Map.of(3, 2L));
    try (Aggregator a = aggregator()) {
      assertEquals(2, a.synchronize(NEVER));
    }
    List<StoredRecord> records = kafka.readAll(aggregate);
    assertEquals("not a replication message", new String(records.get(0).value(), StandardCharsets.UTF_8));
    assertEquals("{moz}/private/x", records.get(0).keyString().orElseThrow());
    assertEquals(expectedCopy(after, 3), records.get(1).message());
  }

  @Test
  void chainedSecondStageCopiesFromTheSinglePendingPartition() throws Exception {
    String fin = kafka.createUniqueTopic("replicatedpushdata", 1);
    Path headsGroups = dir.resolve("heads-groups");
    Files.writeString(headsGroups, "hgweb1-heads\nhgweb2-heads\n");
    String ack2 = kafka.uniqueTopic("aggregator-final");

    Message hb = write(0, Message.of(new Heartbeat()));
    Message mc = write(2, init("{moz}/mozilla-central"));
    commit("hgweb1", Map.of(0, 1L, 2, 1L));
    commit("hgweb2", Map.of(0, 1L, 2, 1L));
    try (Aggregator stage1 = aggregator()) {
      assertEquals(2, stage1.synchronize(NEVER));
    }
    List<Message> pending = copied();
    admin.commitOffsets("hgweb1-heads", aggregate, Map.of(0, 2L));
    admin.commitOffsets("hgweb2-heads", aggregate, Map.of(0, 1L));

    Instant later = COPY_TIME.plusSeconds(7);
    try (Aggregator stage2 = Aggregator.create(settings(aggregate, fin, headsGroups, ack2), TIMEOUT,
        Clock.fixed(later, ZoneOffset.UTC))) {
      assertEquals(1, stage2.synchronize(NEVER));
      admin.commitOffsets("hgweb2-heads", aggregate, Map.of(0, 2L));
      assertEquals(1, stage2.synchronize(NEVER));
    }
    List<Message> fins = kafka.readAll(fin).stream().map(StoredRecord::message).toList();
    assertEquals(2, fins.size());
    for (int i = 0; i < 2; i++) {
      Message f = fins.get(i);
      assertEquals(0, f.originalPartition().getAsInt(), "second stage reads the single pending partition");
      assertEquals(pending.get(i).created(), f.originalCreated(), "stage 1's _created");
      assertEquals(OptionalDouble.of(Aggregator.secondsSinceEpoch(later)), f.created());
    }
    assertEquals(hb.event(), fins.get(0).event());
    assertEquals(mc.event(), fins.get(1).event());
  }

  @Test
  void daemonCopiesWhileRunningAndStopsOnRequest() throws Exception {
    try (Aggregator a = aggregator()) {
      AggregatorDaemon daemon = new AggregatorDaemon(a,
          new AggregatorDaemon.Options(100_000, false, Duration.ofMillis(50), RetrySettings.defaults()));
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(daemon::run);
      write(6, init("{moz}/users/x"));
      commit("hgweb1", Map.of(6, 1L));
      commit("hgweb2", Map.of(6, 1L));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (copied().isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "the running daemon copies the acknowledged record");
        Thread.sleep(50);
      }
      daemon.requestStop();
      assertEquals(0, exit.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    }
    assertEquals(1, copied().size());
  }

  @Test
  void brokerDownIsATransientFailureAndTheCopyResumesAfterwards() throws Exception {
    write(0, Message.of(new Heartbeat()));
    commit("hgweb1", Map.of(0, 1L));
    commit("hgweb2", Map.of(0, 1L));
    try (Aggregator a = Aggregator.create(settings(source, aggregate, groupsFile, ackGroup), Duration.ofSeconds(2),
        Clock.fixed(COPY_TIME, ZoneOffset.UTC))) {
      kafka.stopBroker();
      try {
        assertThrows(ReplicationLogUnavailableException.class, () -> a.synchronize(NEVER));
      } finally {
        kafka.restartBroker();
      }
      SortedMap<Integer, Long> none = admin.committedOffsets(ackGroup, source);
      assertEquals(Map.of(), none);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      int copiedNow = 0;
      while (copiedNow == 0) {
        assertTrue(System.nanoTime() < deadline, "copies again once the broker is back");
        try {
          copiedNow = a.synchronize(NEVER);
        } catch (ReplicationLogUnavailableException e) {
          Thread.sleep(100);
        }
      }
    }
    assertEquals(1, copied().size());
  }
}
