package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.metrics.EventOutcome;
import org.vcsreplicator.metrics.RecordingMetrics;
import org.vcsreplicator.metrics.ReplicationMetrics;
import org.vcsreplicator.routing.IgnorePaths;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * The loop's commit discipline with Kafka's {@link MockConsumer} and a {@link FakeMaster}: no event
 * here needs AMQP (the publisher points at a closed port and is never reached).
 *
 * @see PulseNotifierIT the loop against real brokers
 */
class PulseNotifierTest {
    static final String TOPIC = "replicatedpushdata";
    static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    static final String N77 = "77538e1ce4bec5f7aac58a7ceca2da0e38e90a72";

    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());
    final FakeMaster master = new FakeMaster();
    final List<Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
    final StopSignal stop = new StopSignal() {
        @Override
        public boolean pause(Duration delay) {
            pauses.add(delay);
            return super.pause(Duration.ZERO);
        }
    };
    long nextOffset;

    PulseNotifier notifier() {
        return notifier(ReplicationMetrics.none());
    }

    PulseNotifier notifier(ReplicationMetrics metrics) {
        consumer.assign(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        NotificationBuilder builder = new NotificationBuilder(
                new UrlRewrites(List.of(new PrefixRewrite("{moz}/", "https://hg.mozilla.org/"))),
                IgnorePaths.none(), "https://hg.mozilla.org/", master);
        AmqpPublisher unused = new AmqpPublisher(AmqpEndpoint.of("127.0.0.1", 1, "u", "p", "/"));
        NotificationPublisher publisher = new NotificationPublisher(unused, "v1", "v2",
                Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
        return new PulseNotifier(consumer, TOPIC, "pulsenotifier", builder, publisher,
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(4)), stop, Duration.ofMillis(1), List.of(unused),
                metrics, Clock.systemUTC());
    }

    void add(byte[] value) {
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, nextOffset++, null, value)));
    }

    void add(Event event) {
        add(WireCodec.encode(Message.of(event).withCreated(1.5)));
    }

    void stopAfterPolls() {
        consumer.schedulePollTask(stop::stop);
    }

    Long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? null : o.offset();
    }

    @Test
    void commitsAcknowledgedEventsOneByOneAndStopsGracefully() {
        master.add("mozilla-central");
        add(new Heartbeat());
        add(new ChangegroupV2(WirePath.of("{moz}/deleted"), "serve", 1, NodeId.listOf(N77)));
        add(new Heartbeat());
        stopAfterPolls();
        try (PulseNotifier n = notifier()) {
            assertEquals(PulseNotifier.EXIT_OK, n.run());
        }
        assertEquals(3L, committed());
    }

    @Test
    void stopsOnAnUndecodableRecordWithoutCommittingIt() {
        add(new Heartbeat());
        add("2\n{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        add(new Heartbeat());
        try (PulseNotifier n = notifier()) {
            assertEquals(PulseNotifier.EXIT_FAILED, n.run());
        }
        assertEquals(1L, committed());
    }

    @Test
    void stopsWhenTheRootDisappearsInsteadOfSkipping() {
        add(new ChangegroupV2(WirePath.of("{moz}/mozilla-central"), "serve", 1, NodeId.listOf(N77)));
        master.rootMissing = true;
        try (PulseNotifier n = notifier()) {
            assertEquals(PulseNotifier.EXIT_FAILED, n.run());
        }
        assertNull(committed());
    }

    @Test
    void retriesTransientMasterFailuresWithGrowingPauses() {
        master.add("mozilla-central").push(new Push(1, "u", 1), N77);
        master.queryFailures = 4;
        add(new ChangegroupV2(WirePath.of("{moz}/mozilla-central"), "serve", 1, NodeId.listOf(N77)));
        // The decision succeeds on the fifth attempt; publishing then fails (no broker): stop there.
        consumer.schedulePollTask(() -> { });
        try (PulseNotifier n = notifier()) {
            Thread stopper = new Thread(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (pauses.size() < 5 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                n.stop();
            });
            stopper.start();
            assertEquals(PulseNotifier.EXIT_OK, n.run());
        }
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(4)),
                pauses.subList(0, 4));
        assertNull(committed(), "nothing acknowledged while the notification is not out");
    }

    @Test
    void reportsHeartbeatsAsAppliedAcknowledgementsAsFilteredAndTheEventItStopsOn() throws Exception {
        consumer.updateEndOffsets(Map.of(TP, 4L));
        add(new Heartbeat());
        add(new ChangegroupV2(WirePath.of("{moz}/deleted"), "serve", 1, NodeId.listOf(N77)));
        add(new Heartbeat());
        add("2\n{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        RecordingMetrics metrics = new RecordingMetrics();
        try (PulseNotifier n = notifier(metrics)) {
            java.util.concurrent.atomic.AtomicInteger exit = new java.util.concurrent.atomic.AtomicInteger(-1);
            Thread loop = new Thread(() -> exit.set(n.run(true)));
            loop.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!metrics.isStopped(0)) {
                assertTrue(System.nanoTime() < deadline, "never stopped");
                Thread.sleep(10);
            }
            Thread.sleep(50);
            assertTrue(loop.isAlive(), "holds after the failure");
            n.stop();
            loop.join(30_000);
            assertEquals(PulseNotifier.EXIT_FAILED, exit.get());
        }
        assertEquals(List.of(0), metrics.assigned);
        assertEquals(List.of(
                new RecordingMetrics.Handled(0, "heartbeat-1", EventOutcome.APPLIED),
                new RecordingMetrics.Handled(0, "hg-changegroup-2", EventOutcome.FILTERED),
                new RecordingMetrics.Handled(0, "heartbeat-1", EventOutcome.APPLIED),
                new RecordingMetrics.Handled(0, "unknown", EventOutcome.FAILED)), metrics.handled);
        assertEquals(3L, metrics.committed.get(0));
        assertEquals(1L, metrics.lag.get(0).events());
        assertEquals(3L, committed());
    }

    @Test
    void retriesAreCounted() {
        master.add("mozilla-central").push(new Push(1, "u", 1), N77);
        master.queryFailures = 2;
        consumer.updateEndOffsets(Map.of(TP, 1L));
        add(new ChangegroupV2(WirePath.of("{moz}/mozilla-central"), "serve", 1, NodeId.listOf(N77)));
        RecordingMetrics metrics = new RecordingMetrics();
        try (PulseNotifier n = notifier(metrics)) {
            Thread stopper = new Thread(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (pauses.size() < 3 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                n.stop();
            });
            stopper.start();
            assertEquals(PulseNotifier.EXIT_OK, n.run());
        }
        assertTrue(metrics.retries.get() >= 3, "two master failures and at least one publish failure: "
                + metrics.retries.get());
        assertEquals(List.of(), metrics.handled, "an event abandoned on a stop is not counted");
    }
}
