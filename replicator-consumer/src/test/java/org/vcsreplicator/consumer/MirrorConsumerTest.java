package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.metrics.EventOutcome;
import org.vcsreplicator.metrics.RecordingMetrics;

/**
 * Loop mechanics with Kafka's {@link MockConsumer} and a scripted handler: commit after success
 * only, stop on permanent failure with the ERROR line, --onetime, --start-from, stop requests.
 *
 * @see MirrorConsumerIT the same through a real broker and real hg
 */
class MirrorConsumerTest {
  private static final String TOPIC = "pushdata";
  private static final TopicPartition P2 = new TopicPartition(TOPIC, 2);
  private static final WirePath REPO = WirePath.of("{moz}/x");
  private static final NodeId NODE = NodeId.of("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");

  private final MockConsumer<byte[], byte[]> kafka = new MockConsumer<>("earliest");
  private final Deque<Outcome> script = new ArrayDeque<>();
  private final List<Event> handled = new ArrayList<>();
  private final StopSignal stop = new StopSignal();
  private LogCapture logs;
  private MirrorConsumer consumer;

  @BeforeEach
  void setUp() {
    logs = new LogCapture();
    List<PartitionInfo> infos = new ArrayList<>();
    Node node = new Node(0, "localhost", 9092);
    for (int p = 0; p < 4; p++) {
      infos.add(new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}));
    }
    kafka.updatePartitions(TOPIC, infos);
    Map<TopicPartition, Long> zero = new java.util.HashMap<>();
    for (int p = 0; p < 4; p++) {
      zero.put(new TopicPartition(TOPIC, p), 0L);
    }
    kafka.updateBeginningOffsets(zero);
    kafka.updateEndOffsets(zero);
    EventHandler handler = event -> {
      handled.add(event);
      return script.isEmpty() ? Outcome.applied() : script.poll();
    };
    consumer = new MirrorConsumer(kafka, TOPIC, "ttest", handler, new RetrySettings(0, Duration.ZERO), stop, () -> { },
        OperatorCommands.forConfig("/etc/mercurial/vcsreplicator.ini"), Clock.systemUTC());
  }

  @AfterEach
  void tearDown() {
    logs.close();
  }

  private void records(TopicPartition tp, Event... events) {
    byte[][] values = new byte[events.length][];
    for (int i = 0; i < events.length; i++) {
      values[i] = WireCodec.encode(Message.of(events[i]).withCreated(1.5));
    }
    rawRecords(tp, values);
  }

  private void rawRecords(TopicPartition tp, byte[]... values) {
    kafka.updateEndOffsets(Map.of(tp, (long) values.length));
    kafka.schedulePollTask(() -> {
      for (int i = 0; i < values.length; i++) {
        kafka.addRecord(new ConsumerRecord<>(TOPIC, tp.partition(), i, null, values[i]));
      }
    });
  }

  /** Stops the loop at the poll after everything scheduled so far has been consumed. */
  private void stopWhenIdle() {
    kafka.schedulePollTask(consumer::stop);
  }

  private Long committed(TopicPartition tp) {
    OffsetAndMetadata c = kafka.committed(Set.of(tp)).get(tp);
    return c == null ? null : c.offset();
  }

  private static MirrorConsumer.Options all() {
    return new MirrorConsumer.Options(Optional.empty(), OptionalLong.empty(), false, Duration.ofMillis(10));
  }

  @Test
  void commitsTheNextOffsetAfterEachAppliedEvent() {
    records(P2, new RepoInitV2(REPO, true), new Heartbeat(), new ChangegroupV2(REPO, "serve", 1, List.of(NODE)));
    stopWhenIdle();
    assertEquals(MirrorConsumer.Result.STOPPED, consumer.run(all()));
    assertEquals(3, handled.size());
    assertEquals(3L, committed(P2));
    List<String> lines = logs.lines();
    assertEquals("starting consumer for topic=pushdata group=ttest partitions=all", lines.get(0));
    assertEquals("processing hg-repo-init-2: (repo: {moz}/x) from partition 2 offset 0", lines.get(1));
    assertEquals("processing heartbeat-1 from partition 2 offset 1", lines.get(2));
    assertEquals("processing hg-changegroup-2: (repo: {moz}/x, heads: ['77538e1ce4be']) from partition 2 offset 2",
        lines.get(3));
    assertEquals("exiting from main consume loop", lines.get(lines.size() - 1));
  }

  @Test
  void permanentFailureStopsAtThatOffsetWithOneErrorLine() {
    records(P2, new RepoInitV2(REPO, true), new ChangegroupV2(REPO, "serve", 1, List.of(NODE)), new Heartbeat());
    script.add(Outcome.applied());
    script.add(Outcome.permanentFailure("hg pull exited 255: abort: repository /repo/x not found"));
    assertEquals(MirrorConsumer.Result.FAILED, consumer.run(all()));
    assertEquals(2, handled.size(), "nothing after the failed event is applied");
    assertEquals(1L, committed(P2), "the failed event is not acknowledged");
    assertEquals(List.of(
        "cannot apply event, partition 2 stops here: topic=pushdata partition=2 offset=1 repo={moz}/x "
            + "event=hg-changegroup-2: hg pull exited 255: abort: repository /repo/x not found; nothing was committed. "
            + "Inspect with `bin/vcsreplicator consume /etc/mercurial/vcsreplicator.ini --dump --partition 2`; "
            + "skip it (an operator decision) with "
            + "`bin/vcsreplicator consume /etc/mercurial/vcsreplicator.ini --skip --partition 2 --offset 1`",
        "exiting main consume loop with error"), logs.errors());
  }

  @Test
  void undecodableRecordIsAPermanentFailure() {
    rawRecords(P2, "2\n{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(MirrorConsumer.Result.FAILED, consumer.run(all()));
    assertTrue(handled.isEmpty());
    assertNull(committed(P2));
    assertTrue(logs.errors().get(0).contains("offset=0 repo=? event=?: undecodable record: unknown message header"),
        logs.errors().get(0));
  }

  @Test
  void unknownKindIsAPermanentFailureNamingIt() {
    rawRecords(P2, "1\n{\"_created\": 1.0, \"name\": \"hg-future-9\", \"path\": \"{moz}/x\"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(MirrorConsumer.Result.FAILED, consumer.run(all()));
    assertTrue(logs.errors().get(0).contains("event=hg-future-9: undecodable record: unknown event name 'hg-future-9'"),
        logs.errors().get(0));
  }

  @Test
  void onetimeProcessesExactlyOneRecord() {
    records(P2, new Heartbeat(), new Heartbeat());
    MirrorConsumer.Options onetime =
        new MirrorConsumer.Options(Optional.of(2), OptionalLong.empty(), true, Duration.ofMillis(10));
    assertEquals(MirrorConsumer.Result.PROCESSED_ONE, consumer.run(onetime));
    assertEquals(1, handled.size());
    assertEquals(1L, committed(P2));
    assertEquals(List.of("processing heartbeat-1 from partition 2 offset 0"), logs.lines(),
        "--onetime does not announce itself");
  }

  @Test
  void onetimeWithNothingPendingReturnsAtOnce() {
    MirrorConsumer.Options onetime =
        new MirrorConsumer.Options(Optional.empty(), OptionalLong.empty(), true, Duration.ofMillis(10));
    assertEquals(MirrorConsumer.Result.NOTHING_PENDING, consumer.run(onetime));
    assertTrue(logs.lines().isEmpty());
  }

  @Test
  void startFromOverridesTheCommittedOffset() {
    records(P2, new Heartbeat(), new Heartbeat(), new RepoInitV2(REPO, true));
    stopWhenIdle();
    consumer.run(new MirrorConsumer.Options(Optional.of(2), OptionalLong.of(2), false, Duration.ofMillis(10)));
    assertEquals(List.of(new RepoInitV2(REPO, true)), handled);
    assertEquals("starting consumer for topic=pushdata group=ttest partitions=[2]", logs.lines().get(0));
  }
  // Starting at the group's committed offset needs a real broker (MockConsumer forgets commits on
  // assign): MirrorConsumerIT#restartResumesAtTheCommittedOffset.

  @Test
  void stopWhileApplyingAbandonsTheEventWithoutCommitting() {
    records(P2, new Heartbeat(), new RepoInitV2(REPO, true), new Heartbeat());
    EventHandler stopping = event -> {
      handled.add(event);
      if (event instanceof RepoInitV2) {
        consumer.stop(); // as a signal arriving during a long hg command, which is then killed
        return Outcome.transientFailure("hg could not run: hg command server client is closed");
      }
      return Outcome.applied();
    };
    consumer = new MirrorConsumer(kafka, TOPIC, "ttest", stopping, RetrySettings.defaults(), stop, () -> { },
        OperatorCommands.forConfig("c.ini"), Clock.systemUTC());
    assertEquals(MirrorConsumer.Result.STOPPED, consumer.run(all()));
    assertEquals(2, handled.size());
    assertEquals(1L, committed(P2), "the abandoned event stays unacknowledged");
    assertTrue(logs.errors().isEmpty(), "a stop is not an error");
    assertEquals("exiting from main consume loop", logs.lines().get(logs.lines().size() - 1));
  }

  @Test
  void transientFailureIsRetriedThenCommitted() {
    records(P2, new RepoInitV2(REPO, true));
    script.add(Outcome.transientFailure("timed out waiting for lock held by 'host:123'"));
    List<Duration> pauses = new ArrayList<>();
    EventHandler handler = event -> {
      handled.add(event);
      return script.isEmpty() ? Outcome.applied() : script.poll();
    };
    consumer = new MirrorConsumer(kafka, TOPIC, "ttest", handler, new RetrySettings(2, Duration.ZERO), stop, () -> { },
        OperatorCommands.forConfig("c.ini"), Clock.systemUTC());
    stopWhenIdle();
    assertEquals(MirrorConsumer.Result.STOPPED, consumer.run(all()));
    assertEquals(2, handled.size());
    assertEquals(1L, committed(P2));
    assertTrue(pauses.isEmpty());
    assertTrue(logs.lines().stream().anyMatch(l -> l.startsWith(
        "hg-repo-init-2: (repo: {moz}/x) failed (timed out waiting for lock held by 'host:123'); retrying in 0s (attempt 1 of 2)")),
        logs.lines().toString());
  }

  private MirrorConsumer withMetrics(RecordingMetrics metrics, RetrySettings retry) {
    EventHandler handler = event -> {
      handled.add(event);
      return script.isEmpty() ? Outcome.applied() : script.poll();
    };
    return new MirrorConsumer(kafka, TOPIC, "ttest", handler, retry, stop, () -> { },
        OperatorCommands.forConfig("c.ini"), Clock.systemUTC(), metrics);
  }

  @Test
  void reportsEachEventWithItsOutcomeAndStopsThePartitionAtAFailure() {
    RecordingMetrics metrics = new RecordingMetrics();
    consumer = withMetrics(metrics, new RetrySettings(0, Duration.ZERO));
    records(P2, new Heartbeat(), new RepoInitV2(REPO, true), new RepoInitV2(WirePath.of("{moz}/users/x"), true),
        new ChangegroupV2(REPO, "serve", 1, List.of(NODE)), new Heartbeat());
    script.add(Outcome.applied());
    script.add(Outcome.applied());
    script.add(Outcome.filtered("users"));
    script.add(Outcome.permanentFailure("hg pull exited 255: abort: repository /repo/x not found"));

    assertEquals(MirrorConsumer.Result.FAILED, consumer.run(all()));

    assertEquals(List.of(0, 1, 2, 3), metrics.assigned);
    assertEquals(List.of(
        new RecordingMetrics.Handled(2, "heartbeat-1", EventOutcome.APPLIED),
        new RecordingMetrics.Handled(2, "hg-repo-init-2", EventOutcome.APPLIED),
        new RecordingMetrics.Handled(2, "hg-repo-init-2", EventOutcome.FILTERED),
        new RecordingMetrics.Handled(2, "hg-changegroup-2", EventOutcome.FAILED)), metrics.handled);
    assertEquals(3L, metrics.committed.get(2));
    assertEquals(new RecordingMetrics.Lag(2, OptionalDouble.of(1.5)), metrics.lag.get(2),
        "the failed event and the one after it, aged from the failed one's _created");
    assertTrue(metrics.isStopped(2));
    assertFalse(metrics.isStopped(0), "the other partitions are not stopped");
  }

  @Test
  void anUndecodableRecordCountsAsFailedOfUnknownKind() {
    RecordingMetrics metrics = new RecordingMetrics();
    consumer = withMetrics(metrics, new RetrySettings(0, Duration.ZERO));
    rawRecords(P2, "2\n{}".getBytes(StandardCharsets.UTF_8));
    assertEquals(MirrorConsumer.Result.FAILED, consumer.run(all()));
    assertEquals(List.of(new RecordingMetrics.Handled(2, "unknown", EventOutcome.FAILED)), metrics.handled);
    assertTrue(metrics.isStopped(2));
  }

  @Test
  void retriesAreCounted() {
    RecordingMetrics metrics = new RecordingMetrics();
    consumer = withMetrics(metrics, new RetrySettings(3, Duration.ZERO));
    records(P2, new RepoInitV2(REPO, true));
    script.add(Outcome.transientFailure("lock held"));
    script.add(Outcome.transientFailure("lock held"));
    stopWhenIdle();
    assertEquals(MirrorConsumer.Result.STOPPED, consumer.run(all()));
    assertEquals(2, metrics.retries.get());
    assertEquals(List.of(new RecordingMetrics.Handled(2, "hg-repo-init-2", EventOutcome.APPLIED)), metrics.handled);
    assertEquals(1L, metrics.committed.get(2));
  }

  @Test
  void holdsStoppedAtAFailureUntilAStopIsRequested() throws Exception {
    RecordingMetrics metrics = new RecordingMetrics();
    consumer = withMetrics(metrics, new RetrySettings(0, Duration.ZERO));
    records(P2, new RepoInitV2(REPO, true), new Heartbeat());
    script.add(Outcome.permanentFailure("hg init exited 255: abort: Permission denied"));
    java.util.concurrent.atomic.AtomicReference<MirrorConsumer.Result> result = new java.util.concurrent.atomic.AtomicReference<>();
    Thread loop = new Thread(() -> result.set(consumer.run(all().withHoldOnFailure(true))));
    loop.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (logs.lines().stream().noneMatch(l -> l.startsWith("partition 2 stopped at offset 0: holding"))) {
      assertTrue(System.nanoTime() < deadline, logs.lines().toString());
      Thread.sleep(10);
    }
    assertTrue(loop.isAlive(), "it holds");
    assertTrue(metrics.isStopped(2));
    assertEquals(List.of("cannot apply event"), logs.errors().stream().map(l -> l.substring(0, 18)).toList(),
        "one ERROR line while holding");

    consumer.stop();
    loop.join(30_000);
    assertEquals(MirrorConsumer.Result.FAILED, result.get());
    assertEquals(1, handled.size(), "nothing after the failed event was applied");
    assertNull(committed(P2));
    assertEquals("exiting main consume loop with error", logs.errors().get(logs.errors().size() - 1));
  }
}
