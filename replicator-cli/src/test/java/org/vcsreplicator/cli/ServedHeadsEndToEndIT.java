package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.aggregator.Aggregator;
import org.vcsreplicator.aggregator.AggregatorDaemon;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.consumer.MirrorConsumer;
import org.vcsreplicator.heads.HgwebServer;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.NodeId;

/**
 * Served heads end to end (issue #9, test-served-heads.t): pushes through the real producer hooks,
 * two mirrors with their consumer daemons, the first aggregator watching both mirror groups, the
 * heads consumer and {@code hg serve} with {@code hgext/vcsreplicator_served.py} on mirror 1. While
 * mirror 2's consumer is stopped, a new push is on mirror 1's disk but hgweb hides it (404 {@code
 * filtered revision}); once mirror 2 resumes, the aggregator copies the push's {@code hg-heads-1},
 * the heads consumer writes {@code .hg/replicated-data}, and hgweb shows it (200).
 */
class ServedHeadsEndToEndIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;
  final ExecutorService threads = Executors.newCachedThreadPool();
  final List<Running> running = new ArrayList<>();

  /** A consume loop (mirror or heads consumer) on its own thread. */
  record Running(ConsumeSession session, Future<MirrorConsumer.Result> result) {
    MirrorConsumer.Result stop() throws Exception {
      session.stop();
      return result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void stopAll() throws Exception {
    for (Running r : running) {
      r.session().stop();
    }
    threads.shutdown();
    assertTrue(threads.awaitTermination(DEADLINE.toSeconds(), TimeUnit.SECONDS));
  }

  Running start(ConsumeSession session) {
    ConsumerSettings s = session.settings();
    Future<MirrorConsumer.Result> result = threads.submit(() -> {
      try (session) {
        return session.consume(new MirrorConsumer.Options(Optional.empty(), OptionalLong.empty(), false, s.pollTimeout()));
      }
    });
    Running r = new Running(session, result);
    running.add(r);
    return r;
  }

  Path ini(String name, String... lines) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  ConsumerSettings mirror(String name, String topic, Path masterRoot) throws Exception {
    Path root = Files.createDirectories(tmp.resolve(name + "/repo/hg/mozilla"));
    return ConsumerSettings.from(IniFile.load(ini(name + ".ini",
        "[consumer]", "hosts = " + kafka.bootstrapServers(), "client_id = " + name, "topic = " + topic,
        "group = " + name, "poll_timeout = 0.05", "retry_max_retries = 0",
        "[path_rewrites]", "{moz} = " + root,
        "[pull_url_rewrites]", "{moz} = " + masterRoot,
        "[programs]", "hg = /usr/bin/hg")));
  }

  long committed(String group, String topic, int partition) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    OffsetAndMetadata o = offsets.get(new TopicPartition(topic, partition));
    return o == null ? -1 : o.offset();
  }

  long end(String topic, int partition) {
    return kafka.readAll(topic).stream().filter(r -> r.partition() == partition).count();
  }

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + DEADLINE.toSeconds() + "s waiting for: " + what);
      }
      Thread.sleep(50);
    }
  }

  static int status(HgwebServer web, String node) {
    try {
      return web.get("json-rev/" + node).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }

  @Test
  void aPushIsHiddenFromHgwebWhileOneMirrorGroupIsStoppedAndShownOnceItResumes() throws Exception {
    String pending = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    // The ack timeout of a master that is expected to stay up.
    try (ProducerSandbox master = new ProducerSandbox(kafka, Files.createDirectories(tmp.resolve("hgssh")),
        ProducerSandbox.Settings.defaults().withAckTimeoutMs(10_000))) {
      String topic = master.topic;
      ConsumerSettings mirror1 = mirror("hgweb1", topic, master.root);
      ConsumerSettings mirror2 = mirror("hgweb2", topic, master.root);
      Path mirror1Root = tmp.resolve("hgweb1/repo/hg/mozilla");
      ConsumerSettings heads1 = ConsumerSettings.from(IniFile.load(ini("hgweb1-pending.ini",
          "[consumer]", "hosts = " + kafka.bootstrapServers(), "client_id = hgweb1-heads", "topic = " + pending,
          "group = hgweb1-heads", "poll_timeout = 0.05", "retry_max_retries = 0",
          "[path_rewrites]", "{moz} = " + mirror1Root)));
      Path groups = ini("groups", "hgweb1", "hgweb2");
      AggregatorSettings aggregation = AggregatorSettings.from(IniFile.load(ini("aggregator.ini",
          "[aggregator]", "hosts = " + kafka.bootstrapServers(), "client_id = hgssh", "monitor_topic = " + topic,
          "monitor_groups_file = " + groups, "ack_group = aggregator", "aggregate_topic = " + pending)));

      start(ConsumeSession.open(mirror1, "hgweb1.ini"));
      Running consumer2 = start(ConsumeSession.open(mirror2, "hgweb2.ini"));
      start(ConsumeSession.openHeads(heads1, "hgweb1-pending.ini"));
      Aggregator aggregator = Aggregator.create(aggregation, Duration.ofSeconds(10), Clock.systemUTC());
      AggregatorDaemon daemon = new AggregatorDaemon(aggregator, new AggregatorDaemon.Options(Integer.MAX_VALUE,
          false, Duration.ofMillis(50), new RetrySettings(0, Duration.ZERO)));
      Future<Integer> aggregating = threads.submit(() -> {
        try (aggregator) {
          return daemon.run();
        }
      });

      try {
        // A first push reaches both mirrors and becomes visible on mirror 1's hgweb.
        Path mc = master.initMaster("mozilla-central");
        Path client = master.cloneOf(mc);
        String first = master.commit(client, "foo", "one\n", "first");
        master.pushOk(client, mc);
        Path mirrored = mirror1Root.resolve("mozilla-central");
        await("the mirror repository exists", () -> Files.isDirectory(mirrored.resolve(".hg")));
        try (HgwebServer web = HgwebServer.start(mirrored, Files.createDirectories(tmp.resolve("hgweb-logs")))) {
          // Both mirrors have it, so its heads reach mirror 1's heads file (before that file
          // exists, hgweb serves everything: this is what makes the next push hideable).
          await("mirror 1's heads file names the first push", () -> headsFileNames(mirrored, first));
          assertEquals(200, status(web, first));

          // Mirror 2 stops; the second push lands on mirror 1 only.
          assertEquals(MirrorConsumer.Result.STOPPED, consumer2.stop());
          String second = master.commit(client, "foo", "two\n", "second");
          master.pushOk(client, mc);
          long end2 = end(topic, 2);
          await("mirror 1 applied the second push", () -> {
            try {
              return committed("hgweb1", topic, 2) == end2;
            } catch (Exception e) {
              return false;
            }
          });
          assertEquals(second, master.client(tmp, "-R", mirrored.toString(), "log", "-r", "tip", "-T", "{node}").out());
          // Mirror 2 never acknowledged it, so the aggregator cannot have copied its heads record.
          assertTrue(committed("hgweb2", topic, 2) < end2);
          assertFalse(pendingHeads(pending).contains(NodeId.of(second)), "copied too early");

          HttpResponse<String> hidden = web.get("json-rev/" + second);
          assertEquals(404, hidden.statusCode(), hidden.body());
          assertTrue(hidden.body().contains("filtered revision '" + second + "' (not in 'replicatedserved' subset)"),
              hidden.body());
          assertEquals(200, status(web, first));

          // Mirror 2 resumes: aggregator copies, the heads consumer writes, hgweb shows it.
          start(ConsumeSession.open(mirror2, "hgweb2.ini"));
          await("json-rev of the second push answers 200 on mirror 1", () -> status(web, second) == 200);
          assertTrue(headsFileNames(mirrored, second));
          assertTrue(pendingHeads(pending).contains(NodeId.of(second)));
          HttpResponse<String> shown = web.get("json-rev/" + second);
          assertTrue(shown.body().contains("\"node\": \"" + second + "\""), shown.body());
        }
      } finally {
        daemon.requestStop();
        assertEquals(0, aggregating.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
      }
    }
  }

  static boolean headsFileNames(Path repo, String node) {
    try {
      return ReplicatedDataFile.read(repo).map(d -> d.heads().contains(NodeId.of(node))).orElse(false);
    } catch (Exception e) {
      return false;
    }
  }

  /** Every head named by an {@code hg-heads-1} record the aggregator copied so far. */
  List<NodeId> pendingHeads(String pending) {
    List<NodeId> out = new ArrayList<>();
    for (EmbeddedKafka.StoredRecord r : kafka.readAll(pending)) {
      Event e = r.message().event();
      if (e instanceof Heads h) {
        out.addAll(h.heads());
      }
    }
    return out;
  }
}
