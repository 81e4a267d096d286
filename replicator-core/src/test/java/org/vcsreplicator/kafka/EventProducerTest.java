package org.vcsreplicator.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Events;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.RepoDelete;

/**
 * {@link EventProducer} over Kafka's {@link MockProducer}: what goes into each record and how
 * failures are reported.
 *
 * @see EventProducerIT
 */
class EventProducerTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2023-11-14T22:13:20.123456789Z"), ZoneOffset.UTC);

  /** A cluster where "pushdata" has 8 partitions; MockProducer reports partition 0 for topics it does not know. */
  private static final Cluster CLUSTER = cluster();

  private static Cluster cluster() {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> partitions = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      partitions.add(new PartitionInfo("pushdata", p, node, new Node[] {node}, new Node[] {node}));
    }
    return new Cluster("test", List.of(node), partitions, Set.of(), Set.of());
  }

  // The partitioner is never asked: every record names its partition.
  private static MockProducer<byte[], byte[]> mock(boolean autoComplete) {
    return new MockProducer<>(CLUSTER, autoComplete, new RoundRobinPartitioner(), new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  @Test
  void stampsCreatedLikePythonTimeTimeWithMicrosecondPrecision() throws Exception {
    MockProducer<byte[], byte[]> mock = mock(true);
    new EventProducer(mock, Duration.ofSeconds(1), CLOCK).send("pushdata", 3, new Heartbeat());
    String value = new String(mock.history().get(0).value(), StandardCharsets.UTF_8);
    assertEquals("1\n{\"_created\": 1700000000.123456, \"name\": \"heartbeat-1\"}", value);
  }

  @Test
  void writesToTheNamedPartitionKeyedByWirePathAndReturnsTheCoordinates() throws Exception {
    MockProducer<byte[], byte[]> mock = mock(true);
    EventProducer producer = new EventProducer(mock, Duration.ofSeconds(1), CLOCK);
    RepoDelete delete = new RepoDelete(Events.repo("try"));
    assertEquals(new RecordCoordinates("pushdata", 6, 0), producer.send("pushdata", 6, delete));
    assertEquals(new RecordCoordinates("pushdata", 6, 1), producer.send("pushdata", 6, new Heartbeat()));

    ProducerRecord<byte[], byte[]> first = mock.history().get(0);
    assertEquals(6, first.partition());
    assertArrayEquals("{moz}/try".getBytes(StandardCharsets.UTF_8), first.key());
    assertArrayEquals(WireCodec.encode(Message.of(delete).withCreated(1700000000.123456)), first.value());
    assertNull(mock.history().get(1).key());
  }

  @Test
  void keepsACreatedStampAlreadyPresent() throws Exception {
    MockProducer<byte[], byte[]> mock = mock(true);
    Message copy = Message.of(new Heartbeat()).withCreated(1.5).withExtraField(Message.ORIGINAL_PARTITION, 2);
    new EventProducer(mock, Duration.ofSeconds(1), CLOCK).send("replicatedpushdata", 0, copy);
    assertArrayEquals(WireCodec.encode(copy), mock.history().get(0).value());
  }

  @Test
  void sendsHeartbeatsToEveryPartitionInOrder() throws Exception {
    MockProducer<byte[], byte[]> mock = mock(true);
    List<RecordCoordinates> written =
        new EventProducer(mock, Duration.ofSeconds(1), CLOCK).sendHeartbeats("pushdata", List.of(2, 0, 1));
    assertEquals(List.of(new RecordCoordinates("pushdata", 2, 0), new RecordCoordinates("pushdata", 0, 0),
        new RecordCoordinates("pushdata", 1, 0)), written);
  }

  @Test
  void aFailedWriteNamesEventRepoTopicPartitionAndCause() throws Exception {
    MockProducer<byte[], byte[]> mock = mock(false);
    EventProducer producer = new EventProducer(mock, Duration.ofSeconds(30), CLOCK);
    CompletableFuture<Throwable> failure = CompletableFuture.supplyAsync(() ->
        assertThrows(ReplicationLogUnavailableException.class,
            () -> producer.send("pushdata", 1, new RepoDelete(Events.repo("try")))));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (mock.history().isEmpty() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    NotEnoughReplicasException cause = new NotEnoughReplicasException("Messages are rejected since there are fewer in-sync replicas than required.");
    assertTrue(mock.errorNext(cause));
    Throwable e = failure.get();
    assertEquals("cannot write hg-repo-delete-1 for {moz}/try to topic=pushdata partition=1: NOT_ENOUGH_REPLICAS: "
        + "Messages are rejected since there are fewer in-sync replicas than required.", e.getMessage());
    assertSame(cause, e.getCause());
  }

  @Test
  void aWriteNeverAcknowledgedFailsAfterTheAckTimeout() {
    EventProducer producer = new EventProducer(mock(false), Duration.ofMillis(50), CLOCK);
    ReplicationLogUnavailableException e =
        assertThrows(ReplicationLogUnavailableException.class, () -> producer.send("pushdata", 0, new Heartbeat()));
    assertEquals("cannot write heartbeat-1 to topic=pushdata partition=0: no acknowledgement from Kafka within 50 ms"
        + " (the record may still be written)", e.getMessage());
  }

  @Test
  void aWriteRefusedBeforeSendingIsReportedTheSameWay() {
    MockProducer<byte[], byte[]> mock = mock(true);
    mock.sendException = new KafkaException("producer closed");
    EventProducer producer = new EventProducer(mock, Duration.ofSeconds(1), CLOCK);
    ReplicationLogUnavailableException e =
        assertThrows(ReplicationLogUnavailableException.class, () -> producer.send("pushdata", 0, new Heartbeat()));
    assertEquals("cannot write heartbeat-1 to topic=pushdata partition=0: producer closed", e.getMessage());
  }

  @Test
  void rejectsANegativePartition() {
    EventProducer producer = new EventProducer(mock(true), Duration.ofSeconds(1), CLOCK);
    assertThrows(IllegalArgumentException.class, () -> producer.send("pushdata", -1, new Heartbeat()));
  }

  @Test
  void deliveryGuaranteesWinOverClientPropertiesAndTimeoutsFollowTheAckTimeout() {
    KafkaClientConfig config = KafkaClientConfig.of(List.of("k1:9092"), "hgssh",
        Map.of(ProducerConfig.ACKS_CONFIG, "1", "security.protocol", "SSL"));
    Map<String, Object> props = EventProducer.producerProperties(config, Duration.ofMillis(2500));
    assertEquals("all", props.get(ProducerConfig.ACKS_CONFIG));
    assertEquals(true, props.get(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG));
    assertEquals(0, props.get(ProducerConfig.LINGER_MS_CONFIG));
    assertEquals(2500, props.get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    assertEquals(2500, props.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
    assertEquals(2500, props.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG));
    assertEquals("SSL", props.get("security.protocol"));
    assertEquals("k1:9092", props.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    assertEquals("hgssh", props.get(ProducerConfig.CLIENT_ID_CONFIG));
  }

  @Test
  void secondsSinceEpochTruncatesToMicroseconds() {
    assertEquals(1700000000.123456, EventProducer.secondsSinceEpoch(Instant.parse("2023-11-14T22:13:20.123456999Z")));
    assertEquals(0.000001, EventProducer.secondsSinceEpoch(Instant.ofEpochSecond(0, 1_000)));
  }

  @Test
  void triesEveryHeartbeatAndReportsEachOutcome() throws Exception {
    MockProducer<byte[], byte[]> mock = mock(false);
    EventProducer producer = new EventProducer(mock, Duration.ofSeconds(30), CLOCK);
    CompletableFuture<List<EventProducer.HeartbeatResult>> results =
        CompletableFuture.supplyAsync(() -> producer.tryHeartbeats("pushdata", List.of(0, 1, 2)));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (mock.history().size() < 3 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertTrue(mock.completeNext());
    assertTrue(mock.errorNext(new NotEnoughReplicasException("fewer in-sync replicas than required")));
    assertTrue(mock.completeNext());

    List<EventProducer.HeartbeatResult> r = results.get();
    assertEquals(List.of(0, 1, 2), r.stream().map(EventProducer.HeartbeatResult::partition).toList());
    assertEquals(List.of(true, false, true), r.stream().map(EventProducer.HeartbeatResult::isWritten).toList());
    assertEquals(java.util.Optional.of("NOT_ENOUGH_REPLICAS: fewer in-sync replicas than required"), r.get(1).reason());
    assertEquals(java.util.Optional.empty(), r.get(0).reason());
  }
}
