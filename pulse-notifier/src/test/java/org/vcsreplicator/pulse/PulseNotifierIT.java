package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.KafkaConnection;
import org.vcsreplicator.config.NotifierSettings;
import org.vcsreplicator.config.PulseSettings;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.SkipRecordReader;
import org.vcsreplicator.kafka.SkipRecorder;
import org.vcsreplicator.kafka.SkipRefusedException;
import org.vcsreplicator.kafka.SkipRequest;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.IgnorePaths;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.UrlRewrites;
import org.vcsreplicator.skip.SkipRecord;

/**
 * The notifier end to end: a real Kafka broker (KRaft, in this JVM), a real AMQP broker
 * ({@link AmqpBrokerFixture}), real hg repositories on disk as the master, and queues bound to both
 * exchanges to see what Pulse consumers would get.
 *
 * @see NotificationBuilderTest every decision in isolation
 */
class PulseNotifierIT {
    @RegisterExtension
    static final EmbeddedKafka kafka = new EmbeddedKafka();

    @RegisterExtension
    static final AmqpBrokerFixture amqp = new AmqpBrokerFixture();

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PUBLIC = "https://hg.mozilla.org/";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final AtomicInteger SEQ = new AtomicInteger();

    @TempDir
    Path tmp;

    MasterFixture master;
    String topic;
    String group;
    String v1;
    String v2;
    String q1;
    String q2;
    EventProducer producer;
    LogCapture logs;
    PulseNotifier notifier;
    Thread runner;
    final AtomicInteger exitCode = new AtomicInteger(-1);

    @BeforeEach
    void setUp() throws Exception {
        master = new MasterFixture(Files.createDirectories(tmp.resolve("mozilla")));
        topic = kafka.createUniqueTopic("replicatedpushdata", 1);
        group = "pulsenotifier" + SEQ.incrementAndGet();
        v1 = amqp.uniqueName("exchange/hgpushes/v1");
        v2 = amqp.uniqueName("exchange/hgpushes/v2");
        q1 = amqp.bindQueue(v1, "#");
        q2 = amqp.bindQueue(v2, "#");
        producer = new EventProducer(kafka.clientConfig("test-producer"), Duration.ofSeconds(10), Clock.systemUTC());
        logs = new LogCapture("vcsreplicator");
    }

    @AfterEach
    void tearDown() throws Exception {
        stopNotifier();
        producer.close();
        logs.close();
    }

    NotifierSettings settings(Path root, String amqpHost, int amqpPort) {
        ConsumerSettings consumer = ConsumerSettings.builder()
                .section("pulseconsumer")
                .kafka(KafkaConnection.builder().hosts(kafka.bootstrapServers()).clientId("pulsenotifier")
                        .connectTimeout(Duration.ofSeconds(10)).build())
                .topic(topic)
                .group(group)
                .pollTimeout(Duration.ofMillis(50))
                .retry(new RetrySettings(2, Duration.ofMillis(100)))
                .hgPath(MasterFixture.HG)
                .pathRewrites(new PathRewrites(List.of(new PrefixRewrite("{moz}", root.toString()))))
                .build();
        PulseSettings pulse = PulseSettings.builder()
                .hostname(amqpHost)
                .port(amqpPort)
                .userid(amqp.user())
                .password(amqp.password())
                .virtualHost(amqp.virtualHost())
                .connectTimeout(Duration.ofSeconds(1))
                .exchange(v1)
                .exchange2(v2)
                .routingKeyStripPrefix(PUBLIC)
                .build();
        return new NotifierSettings(consumer, pulse,
                new UrlRewrites(List.of(new PrefixRewrite("{moz}", "https://hg.mozilla.org"))),
                new IgnorePaths(List.of("{moz}/private/")));
    }

    NotifierSettings settings() {
        return settings(master.root(), amqp.host(), amqp.port());
    }

    void startNotifier(NotifierSettings settings) throws Exception {
        notifier = PulseNotifier.open(settings, OptionalLong.empty(), Clock.systemUTC());
        runner = new Thread(() -> exitCode.set(notifier.run()), "pulse-notifier-under-test");
        runner.start();
    }

    void stopNotifier() throws InterruptedException {
        if (notifier != null) {
            notifier.stop();
            runner.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(runner.isAlive(), "notifier did not stop");
            notifier.close();
            notifier = null;
        }
    }

    /** Writes events as the aggregator would have copied them. */
    void send(Event... events) throws Exception {
        for (Event e : events) {
            producer.send(topic, 0, Message.of(e)
                    .withExtraField(Message.ORIGINAL_CREATED, 1700000000.5)
                    .withExtraField(Message.ORIGINAL_PARTITION, 2));
        }
    }

    static WirePath moz(String name) {
        return WirePath.of("{moz}/" + name);
    }

    long committed() throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<TopicPartition, OffsetAndMetadata> offsets =
                kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        OffsetAndMetadata o = offsets.get(tp);
        return o == null ? -1 : o.offset();
    }

    void awaitCommitted(long offset) throws Exception {
        await(() -> {
            try {
                return committed() == offset;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "group " + group + " to commit offset " + offset);
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(20_000_000); // poll interval, not a wait for the outcome
        }
    }

    /** The next message of a queue: its routing key and body. */
    record Received(String routingKey, JsonNode body) {
        JsonNode payload() {
            return body.get("payload");
        }
    }

    Received next(String queue) throws Exception {
        GetResponse r = amqp.awaitMessage(queue, WAIT);
        return new Received(r.getEnvelope().getRoutingKey(), JSON.readTree(r.getBody()));
    }

    void assertEmpty(String queue) {
        Optional<GetResponse> extra = amqp.pollMessage(queue);
        assertTrue(extra.isEmpty(), () -> "unexpected message on " + queue + ": " + new String(extra.get().getBody()));
    }

    static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    static String pushJson(String repoUrl, long id, String user, long time) {
        String range = "startID=" + (id - 1) + "&endID=" + id;
        return "{'pushid': " + id + ", 'user': '" + user + "', 'time': " + time
                + ", 'push_json_url': '" + repoUrl + "/json-pushes?version=2&" + range + "'"
                + ", 'push_full_json_url': '" + repoUrl + "/json-pushes?version=2&full=1&" + range + "'}";
    }

    @Test
    void initAndPushPublishNewrepoThenChangegroupOnV2AndTheChangegroupOnV1() throws Exception {
        Path repo = master.init("mozilla-central", false);
        String node = master.commit(repo, "foo", "initial");
        master.recordPush(repo, "user@example.com", 1700000123L, node);
        startNotifier(settings());
        // test-pulse-notifier.t: the records an init and one push write.
        send(new Heartbeat(),
                new RepoInitV2(moz("mozilla-central"), true),
                new Heartbeat(),
                new Heartbeat(),
                new ChangegroupV2(moz("mozilla-central"), "serve", 1, NodeId.listOf(node)),
                new Heads(moz("mozilla-central"), NodeId.listOf(node), OptionalLong.of(1)));

        String url = "https://hg.mozilla.org/mozilla-central";
        Received newrepo = next(q2);
        assertEquals("mozilla-central", newrepo.routingKey());
        assertEquals(json("{'type': 'newrepo.1', 'data': {'repo_url': '" + url + "'}}"), newrepo.payload());
        assertEquals(v2, newrepo.body().get("_meta").get("exchange").asText());
        assertEquals("mozilla-central", newrepo.body().get("_meta").get("routing_key").asText());
        assertEquals("json", newrepo.body().get("_meta").get("serializer").asText());
        LocalDateTime.parse(newrepo.body().get("_meta").get("sent").asText()); // Python's utcnow().isoformat()

        String push = pushJson(url, 1, "user@example.com", 1700000123L);
        Received changegroup = next(q2);
        assertEquals("mozilla-central", changegroup.routingKey());
        assertEquals(json("{'type': 'changegroup.1', 'data': {'repo_url': '" + url + "', 'heads': ['" + node + "'],"
                + " 'source': 'serve', 'pushlog_pushes': [" + push + "]}}"), changegroup.payload());

        Received v1message = next(q1);
        assertEquals("mozilla-central", v1message.routingKey());
        assertEquals(v1, v1message.body().get("_meta").get("exchange").asText());
        assertEquals(json("{'repo_url': '" + url + "', 'heads': ['" + node + "'], 'pushlog_pushes': [" + push + "]}"),
                v1message.payload());

        awaitCommitted(6);
        assertEmpty(q1);
        assertEmpty(q2);
        assertEquals(List.of("heartbeat-1 message not relevant; ignoring",
                "heartbeat-1 message not relevant; ignoring",
                "heartbeat-1 message not relevant; ignoring",
                "hg-heads-1 message not relevant to push notifier; ignoring"), logs.containing("not relevant"));
    }

    @Test
    void publishesNothingForReposUnderIgnorePaths() throws Exception {
        Path repo = master.init("private/ignore", false);
        String node = master.commit(repo, "foo", "initial");
        startNotifier(settings());
        send(new RepoInitV2(moz("private/ignore"), true),
                new ChangegroupV2(moz("private/ignore"), "serve", 1, NodeId.listOf(node)),
                new Heads(moz("private/ignore"), NodeId.listOf(node), OptionalLong.of(1)));
        awaitCommitted(3);
        assertEmpty(q1);
        assertEmpty(q2);
        assertEquals(List.of("ignoring repo because path in ignore list: {moz}/private/ignore",
                "ignoring repo because path in ignore list: {moz}/private/ignore",
                "ignoring repo because path in ignore list: {moz}/private/ignore"), logs.containing("private"));
    }

    @Test
    void deletedTreemanifestRepoDoesNotWedgeNotifications() throws Exception {
        // The seed's incident: events of a repository deleted on the master, then another repo.
        Path doomed = master.init("users/gszorc_mozilla.com/mc-treemanifest", false);
        String doomedNode = master.commit(doomed, "foo", "initial");
        master.delete("users/gszorc_mozilla.com/mc-treemanifest");
        Path repo = master.init("integration/foo_Bar-baz", false);
        String node = master.commit(repo, "foo", "initial");
        master.recordPush(repo, "user@example.com", 1700000200L, node);
        startNotifier(settings());
        send(new ChangegroupV1(moz("users/gszorc_mozilla.com/mc-treemanifest"), "serve",
                        NodeId.listOf(doomedNode), NodeId.listOf(doomedNode)),
                new ChangegroupV1(moz("users/gszorc_mozilla.com/mc-treemanifest"), "serve",
                        NodeId.listOf(doomedNode), NodeId.listOf(doomedNode)),
                new RepoInitV2(moz("integration/foo_Bar-baz"), true),
                new ChangegroupV2(moz("integration/foo_Bar-baz"), "serve", 1, NodeId.listOf(node)));

        Received newrepo = next(q2);
        assertEquals("integration/foo_Bar-baz", newrepo.routingKey());
        assertEquals("newrepo.1", newrepo.payload().get("type").asText());
        Received changegroup = next(q2);
        assertEquals("integration/foo_Bar-baz", changegroup.routingKey());
        assertEquals(json("[" + pushJson("https://hg.mozilla.org/integration/foo_Bar-baz", 1, "user@example.com",
                1700000200L) + "]"), changegroup.payload().get("data").get("pushlog_pushes"));
        assertEquals("integration/foo_Bar-baz", next(q1).routingKey());
        awaitCommitted(4);
        assertEquals(2, logs.containing("repository " + doomed + " does not exist; ignoring notification").size(),
                logs.messages().toString());
        assertEmpty(q2);
    }

    @Test
    void refusesToStartWithoutItsRepositoryRoot() {
        Path absent = tmp.resolve("not-mounted");
        NotifierMisconfiguredException e = assertThrows(NotifierMisconfiguredException.class,
                () -> PulseNotifier.open(settings(absent, amqp.host(), amqp.port()), OptionalLong.empty(),
                        Clock.systemUTC()));
        assertTrue(e.getMessage().contains(absent.toString()) && e.getMessage().contains("does not exist"),
                e.getMessage());
    }

    @Test
    void stopsWithoutAcknowledgingWhenTheRootDisappearsLater() throws Exception {
        Path repo = master.init("mozilla-central", false);
        String node = master.commit(repo, "foo", "initial");
        startNotifier(settings());
        send(new Heartbeat());
        awaitCommitted(1);

        Path moved = tmp.resolve("unmounted");
        Files.move(master.root(), moved);
        send(new ChangegroupV2(moz("mozilla-central"), "serve", 1, NodeId.listOf(node)));
        runner.join(WAIT.toMillis());
        assertEquals(PulseNotifier.EXIT_FAILED, exitCode.get());
        assertEquals(1, committed(), "the event of a repository under a missing root is not acknowledged");
        assertFalse(logs.containing("does not exist; refusing to treat every repository under it as deleted").isEmpty(),
                logs.messages().toString());
        stopNotifier();

        // Once the root is back, the same event is notified.
        Files.move(moved, master.root());
        startNotifier(settings());
        assertEquals("changegroup.1", next(q2).payload().get("type").asText());
        awaitCommitted(2);
    }

    @Test
    void skipAcknowledgesOneEventAtATimeAndSkippedEventsAreNeverPublished() throws Exception {
        Path ignored = master.init("ignored-repo", false);
        Path repo = master.init("mozilla-central", false);
        String node = master.commit(repo, "foo", "initial");
        send(new Heartbeat(), new RepoInitV2(moz("ignored-repo"), true),
                new ChangegroupV2(moz("mozilla-central"), "serve", 1, NodeId.listOf(node)));

        NotifierSettings s = settings();
        SkipRecorder recorder = SkipRecorder.forSettings(s.consumer());
        PulseNotifier.Skipped first =
                PulseNotifier.skipNext(s, OptionalLong.empty(), WAIT, SkipRequest.next(), recorder).orElseThrow();
        assertEquals("heartbeat-1", first.name());
        assertEquals(0, first.at().partition());
        assertEquals(0, first.at().offset());
        PulseNotifier.Skipped second = PulseNotifier.skipNext(s, OptionalLong.empty(), WAIT,
                new SkipRequest(OptionalLong.of(1), Optional.of("not for Pulse")), recorder).orElseThrow();
        assertEquals("hg-repo-init-2", second.name());
        assertTrue(second.record().contains("{moz}/ignored-repo"), second.record());
        assertEquals(2, committed());
        assertTrue(Files.isDirectory(ignored));
        // Both recorded, whole, before their offsets moved (SPEC rule 2).
        List<SkipRecord> audit = SkipRecordReader.forSettings(s.consumer()).readAll();
        assertEquals(List.of(first.audit(), second.audit()), audit);
        assertEquals(Optional.of("not for Pulse"), audit.get(1).reason());
        assertEquals("hg-repo-init-2", audit.get(1).kind());
        // --offset naming an event already skipped is refused; nothing recorded or acknowledged.
        assertThrows(SkipRefusedException.class, () -> PulseNotifier.skipNext(s, OptionalLong.empty(), WAIT,
                new SkipRequest(OptionalLong.of(1), Optional.empty()), recorder));
        recorder.close();
        assertEquals(2, committed());
        assertEquals(2, SkipRecordReader.forSettings(s.consumer()).readAll().size());

        startNotifier(s);
        assertEquals("changegroup.1", next(q2).payload().get("type").asText(), "the skipped newrepo.1 never goes out");
        awaitCommitted(3);
        assertEmpty(q2);
        stopNotifier();
        try (SkipRecorder again = SkipRecorder.forSettings(s.consumer())) {
            assertEquals(Optional.empty(),
                    PulseNotifier.skipNext(s, OptionalLong.empty(), Duration.ofSeconds(1), SkipRequest.next(), again));
        }
        assertEquals(3, committed());
    }

    @Test
    void startFromReplaysFromAnAbsoluteOffset() throws Exception {
        master.init("mozilla-central", false);
        send(new RepoInitV2(moz("mozilla-central"), true), new Heartbeat());
        startNotifier(settings());
        assertEquals("newrepo.1", next(q2).payload().get("type").asText());
        awaitCommitted(2);
        stopNotifier();

        notifier = PulseNotifier.open(settings(), OptionalLong.of(0), Clock.systemUTC());
        runner = new Thread(() -> exitCode.set(notifier.run()));
        runner.start();
        assertEquals("newrepo.1", next(q2).payload().get("type").asText(), "offset 0 again with --start-from 0");
    }

    @Test
    void amqpOutageHoldsTheEventUntilTheBrokerIsBackAndLosesNothing() throws Exception {
        Path repo = master.init("mozilla-central", false);
        String first = master.commit(repo, "a", "first");
        master.recordPush(repo, "user@example.com", 1700000001L, first);
        TcpRelay relay = amqp.newRelay();
        startNotifier(settings(master.root(), relay.host(), relay.port()));
        send(new RepoInitV2(moz("mozilla-central"), true));
        assertEquals("newrepo.1", next(q2).payload().get("type").asText());
        awaitCommitted(1);

        // The broker "goes away": connections cut, new ones hang.
        relay.blackhole(true);
        relay.severConnections();
        send(new ChangegroupV2(moz("mozilla-central"), "serve", 1, NodeId.listOf(first)), new Heartbeat());
        await(() -> logs.containing("attempt 2 failed").size() >= 1, "two failed publish attempts");
        assertEquals(1, committed(), "nothing is acknowledged while Pulse does not confirm");
        assertEmpty(q2);

        relay.blackhole(false);
        Received changegroup = next(q2);
        assertEquals("changegroup.1", changegroup.payload().get("type").asText());
        assertEquals(first, changegroup.payload().get("data").get("heads").get(0).asText());
        assertEquals("mozilla-central", next(q1).routingKey());
        awaitCommitted(3);
        assertEmpty(q1);
        assertEmpty(q2);
    }

    @Test
    void obsoleteMarkersBecomeObsoleteOnV2Only() throws Exception {
        Path repo = master.init("obs", true);
        String base = master.commit(repo, "foo", "initial");
        master.recordPush(repo, "user@example.com", 1700000001L, base);
        String file1 = master.commit(repo, "file1", "file1");
        master.recordPush(repo, "user@example.com", 1700000002L, file1);
        String amended = master.amend(repo, "first line\nsecond line");
        master.recordPush(repo, "user@example.com", 1700000003L, amended);
        String dump0 = master.obsoleteDump0(repo);
        startNotifier(settings());
        send(new Pushkey(moz("obs"), "obsolete", "dump0", "", dump0, 0),
                new Pushkey(moz("obs"), "bookmarks", "my-bookmark", "", amended, 0));

        Received obsolete = next(q2);
        assertEquals("obs", obsolete.routingKey());
        JsonNode data = obsolete.payload().get("data");
        assertEquals("obsolete.1", obsolete.payload().get("type").asText());
        assertEquals("https://hg.mozilla.org/obs", data.get("repo_url").asText());
        assertEquals(1, data.get("markers").size());
        JsonNode marker = data.get("markers").get(0);
        String url = "https://hg.mozilla.org/obs";
        assertEquals(json("{'node': '" + file1 + "', 'known': true, 'visible': false, 'desc': 'file1', 'push': "
                + pushJson(url, 2, "user@example.com", 1700000002L) + "}"), marker.get("precursor"));
        assertEquals(json("[{'node': '" + amended + "', 'known': true, 'visible': true,"
                + " 'desc': 'first line\\nsecond line', 'push': " + pushJson(url, 3, "user@example.com", 1700000003L)
                + "}]"), marker.get("successors"));
        assertEquals("Test User <someone@example.com>", marker.get("user").asText());
        assertTrue(marker.get("time").isDouble(), marker.toString());
        awaitCommitted(2);
        assertEmpty(q1);
        assertEmpty(q2);
        assertEquals(1, logs.containing("bookmarks pushkey namespace not handled; ignoring").size());
    }

    @Test
    void undecodableRecordStopsTheNotifierWithoutAcknowledgingIt() throws Exception {
        master.init("mozilla-central", false);
        startNotifier(settings());
        send(new Heartbeat());
        try (var raw = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer",
                "value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer"))) {
            raw.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, null,
                    "2\n{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).get(10, TimeUnit.SECONDS);
        }
        send(new RepoInitV2(moz("mozilla-central"), true));
        runner.join(WAIT.toMillis());
        assertEquals(PulseNotifier.EXIT_FAILED, exitCode.get());
        assertEquals(1, committed());
        assertEmpty(q2);
        assertFalse(logs.containing("pulse-notify --skip").isEmpty(), logs.messages().toString());
        // WireCodec is what decides: keep this test honest if the codec learns new headers.
        assertThrows(Exception.class, () -> WireCodec.decode("2\n{}".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
