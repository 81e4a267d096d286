package org.vcsreplicator.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Events;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;

/** {@link EventProducer} against a real broker. */
class EventProducerIT {

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static final Instant NOW = Instant.parse("2023-11-14T22:13:20.123456789Z");
  /** What {@code time.time()} would have given at {@link #NOW}: microseconds, not nanoseconds. */
  private static final double NOW_SECONDS = 1700000000.123456;
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Duration ACK_TIMEOUT = Duration.ofMillis(1500);
  /** Room for scheduling noise on a loaded two-core machine. */
  private static final Duration SLACK = Duration.ofMillis(1500);

  private EventProducer producer() {
    return new EventProducer(kafka.clientConfig(), ACK_TIMEOUT, CLOCK);
  }

  @Test
  void writesEveryKindToTheChosenPartitionKeyedByWirePathAndStamped() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    List<Event> events = Events.oneOfEachKind();
    List<RecordCoordinates> written = new ArrayList<>();
    try (EventProducer producer = producer()) {
      for (int i = 0; i < events.size(); i++) {
        written.add(producer.send(topic, (i * 3) % 8, events.get(i)));
      }
    }

    Map<RecordCoordinates, EmbeddedKafka.StoredRecord> stored = kafka.readAll(topic).stream()
        .collect(Collectors.toMap(EmbeddedKafka.StoredRecord::coordinates, r -> r));
    assertEquals(events.size(), stored.size());
    for (int i = 0; i < events.size(); i++) {
      Event event = events.get(i);
      RecordCoordinates at = written.get(i);
      assertEquals(topic, at.topic());
      assertEquals((i * 3) % 8, at.partition(), "partition of " + event.kind());
      EmbeddedKafka.StoredRecord r = stored.get(at);
      Message expected = Message.of(event).withCreated(NOW_SECONDS);
      assertArrayEquals(WireCodec.encode(expected), r.value(), "bytes of " + event.kind());
      assertEquals(expected, r.message());
      assertEquals(event.repo().map(Object::toString), r.keyString(), "key of " + event.kind());
    }
  }

  @Test
  void keepsTheCreatedStampAndExtraFieldsOfAMessageBeingRepublished() throws Exception {
    String topic = kafka.createUniqueTopic("replicatedpushdata", 1);
    Message copy = Message.of(Events.oneOfEachKind().get(5))
        .withCreated(1600000000.25)
        .withExtraField(Message.ORIGINAL_CREATED, 1599999999.5)
        .withExtraField(Message.ORIGINAL_PARTITION, 3)
        .withExtraField("added_by_a_newer_version", TextNode.valueOf("kept"));
    try (EventProducer producer = producer()) {
      assertEquals(new RecordCoordinates(topic, 0, 0), producer.send(topic, 0, copy));
    }
    EmbeddedKafka.StoredRecord r = kafka.readAll(topic).get(0);
    assertArrayEquals(WireCodec.encode(copy), r.value());
    assertEquals(copy, r.message());
  }

  @Test
  void sendsOneHeartbeatPerPartitionWithoutKey() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    List<Integer> partitions = IntStream.range(0, 8).boxed().collect(Collectors.toList());
    try (EventProducer producer = producer()) {
      List<RecordCoordinates> written = producer.sendHeartbeats(topic, partitions);
      assertEquals(partitions, written.stream().map(RecordCoordinates::partition).collect(Collectors.toList()));
    }
    List<EmbeddedKafka.StoredRecord> stored = kafka.readAll(topic);
    assertEquals(8, stored.size());
    for (int p = 0; p < 8; p++) {
      EmbeddedKafka.StoredRecord r = stored.get(p);
      assertEquals(p, r.partition());
      assertEquals(Optional.empty(), r.keyString());
      assertEquals(Message.of(new Heartbeat()).withCreated(NOW_SECONDS), r.message());
    }
  }

  @Test
  void writingToAMissingTopicFailsWithinTheAckTimeout() throws Exception {
    String topic = kafka.uniqueTopic("missing");
    try (EventProducer producer = producer()) {
      ReplicationLogUnavailableException e = assertFailsInTime(() -> producer.send(topic, 0, new Heartbeat()));
      assertTrue(e.getMessage().startsWith("cannot write heartbeat-1 to topic=" + topic + " partition=0: "), e.getMessage());
    }
    assertFalse(kafka.admin().listTopics().names().get().contains(topic), "topic was auto-created");
  }

  @Test
  void writingToAMissingPartitionFailsWithinTheAckTimeout() {
    String topic = kafka.createUniqueTopic("pushdata", 2);
    try (EventProducer producer = producer()) {
      ReplicationLogUnavailableException e =
          assertFailsInTime(() -> producer.send(topic, 5, Events.oneOfEachKind().get(1)));
      assertTrue(e.getMessage().contains("hg-repo-init-1 for {moz}/mozilla-central to topic=" + topic + " partition=5"),
          e.getMessage());
    }
  }

  @Test
  void writingWhileTheBrokerIsDownFailsWithinTheAckTimeoutThenWorksAfterRestart() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    try (EventProducer producer = producer()) {
      assertEquals(new RecordCoordinates(topic, 4, 0), producer.send(topic, 4, new Heartbeat()));

      String address = kafka.bootstrapServers();
      kafka.stopBroker();
      assertFailsInTime(() -> producer.send(topic, 4, new Heartbeat()));

      kafka.restartBroker();
      assertEquals(address, kafka.bootstrapServers());
      // The failed write may or may not have reached the log; what matters is that the same
      // producer writes again without being rebuilt.
      RecordCoordinates after = retryUntilWritten(() -> producer.send(topic, 4, Events.oneOfEachKind().get(2)));
      assertEquals(4, after.partition());
    }
    List<EmbeddedKafka.StoredRecord> stored = kafka.readAll(topic);
    assertEquals(new RecordCoordinates(topic, 4, 0), stored.get(0).coordinates(), "log survives the restart");
    assertEquals(Events.oneOfEachKind().get(2), stored.get(stored.size() - 1).message().event());
  }

  private interface Write {
    RecordCoordinates run() throws ReplicationLogUnavailableException;
  }

  private static ReplicationLogUnavailableException assertFailsInTime(Write write) {
    long t0 = System.nanoTime();
    ReplicationLogUnavailableException e = assertThrows(ReplicationLogUnavailableException.class, write::run);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertTrue(took.compareTo(ACK_TIMEOUT.plus(SLACK)) < 0, "took " + took + ": " + e.getMessage());
    return e;
  }

  /** Right after a restart the first write can still race the producer's reconnect. */
  private static RecordCoordinates retryUntilWritten(Write write) throws ReplicationLogUnavailableException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return write.run();
      } catch (ReplicationLogUnavailableException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }
}
