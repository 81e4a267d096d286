package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.bootstrap.BootstrapLog;
import org.vcsreplicator.bootstrap.BootstrapSnapshot;
import org.vcsreplicator.bootstrap.OffsetWindow;
import org.vcsreplicator.bootstrap.SnapshotFile;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.consumer.ConsumerLog;
import org.vcsreplicator.consumer.MirrorConsumer;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;

/**
 * test-bootstrap.t through {@code bin/vcsreplicator bootstrap-master} and {@code bootstrap-mirror}
 * ({@link Main#commandLine()}), with the real producer hooks on the master (inits and pushes over
 * ssh), a real broker, a new mirror with {@code [replicationrules]} filtering one repository, a
 * repository deleted on the master while the mirror bootstraps, pushes during the window and
 * after it; then the mirror's consumer daemon.
 */
class BootstrapCommandsIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  static final Pattern PROCESSING = Pattern.compile("^processing .* from partition (\\d+) offset (\\d+)$");

  @TempDir Path tmp;

  /** Lines of one logger while a test runs. */
  static final class Lines implements AutoCloseable {
    final Logger logger;
    final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    Lines(String name) {
      logger = (Logger) LoggerFactory.getLogger(name);
      appender.start();
      logger.addAppender(appender);
    }

    List<String> get() {
      synchronized (appender) {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      }
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }

  SortedMap<Integer, Long> logEnds(String topic) throws Exception {
    SortedMap<Integer, Long> ends = new TreeMap<>();
    for (int p = 0; p < 8; p++) {
      ends.put(p, 0L);
    }
    for (EmbeddedKafka.StoredRecord r : kafka.readAll(topic)) {
      ends.put(r.partition(), Math.max(ends.get(r.partition()), r.offset() + 1));
    }
    return ends;
  }

  SortedMap<Integer, Long> committed(String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    SortedMap<Integer, Long> out = new TreeMap<>();
    offsets.forEach((tp, om) -> {
      if (tp.topic().equals(topic) && om != null) {
        out.put(tp.partition(), om.offset());
      }
    });
    return out;
  }

  String history(ProducerSandbox master, Path repo) throws Exception {
    ProducerSandbox.Run r = master.client(tmp, "-R", repo.toString(), "log", "--hidden", "-T", "{rev}:{node}\\n");
    assertEquals(0, r.exit(), r.all());
    return r.out();
  }

  @Test
  void bootstrapsANewMirrorAndItsDaemonCarriesOnAfterTheWindow() throws Exception {
    Path mirrorRoot = Files.createDirectories(tmp.resolve("hgweb0/repo/hg/mozilla"));
    Path mirrorIni = tmp.resolve("hgweb0/vcsreplicator.ini");
    // The ack timeout of a master that is expected to stay up.
    try (ProducerSandbox master = new ProducerSandbox(kafka, Files.createDirectories(tmp.resolve("hgssh")),
        ProducerSandbox.Settings.defaults().withAckTimeoutMs(10_000))) {
      String topic = master.topic;
      String group = "hgweb0-" + topic;
      Files.writeString(mirrorIni, String.join("\n",
          "[consumer]",
          "hosts = " + kafka.bootstrapServers(),
          "client_id = hgweb0",
          "topic = " + topic,
          "group = " + group,
          "poll_timeout = 0.05",
          "retry_max_retries = 0",
          "[path_rewrites]",
          "{moz} = " + mirrorRoot,
          "[pull_url_rewrites]",
          "{moz} = " + master.root,
          "[replicationrules]",
          "exclude.testrule = path:{moz}/filterrepo",
          "include.rest = re:\\{moz\\}/.*",
          "[programs]",
          "hg = /usr/bin/hg",
          ""));

      Path testrepo = master.initMaster("testrepo");
      Path mc = master.initMaster("mozilla-central");
      Path deleterepo = master.initMaster("deleterepo");
      master.initMaster("filterrepo");
      Path testClient = master.cloneOf(testrepo);
      master.commit(testClient, "foo", "", "initial");
      master.pushOk(testClient, testrepo);
      Path mcClient = master.cloneOf(mc);
      master.commit(mcClient, "foo", "", "initial m-c");
      master.pushOk(mcClient, mc);
      Files.writeString(mc.resolve(".hg/hgrc"), "[hooks]\ndummy = value\n");
      Files.writeString(testrepo.resolve(".hg/hgrc"), "[web]\ndescription = random\n");

      // The master bootstrap.
      Path json = tmp.resolve("hgssh.json");
      CommandRun hgssh;
      List<String> masterLines;
      try (Lines lines = new Lines(BootstrapLog.NAME)) {
        hgssh = CommandRun.run("bootstrap-master", master.config.toString(), "--workers", "1", "--output", json.toString());
        masterLines = lines.get();
      }
      assertEquals(0, hgssh.exitCode(), hgssh.toString());
      assertEquals(hgssh.out().strip(), Files.readString(json).strip());
      BootstrapSnapshot snapshot = SnapshotFile.read(json);
      assertEquals(List.of(WirePath.of("{moz}/deleterepo"), WirePath.of("{moz}/filterrepo"),
          WirePath.of("{moz}/mozilla-central"), WirePath.of("{moz}/testrepo")), snapshot.repositories());
      assertEquals(List.of(
          "gathered initial Kafka offsets",
          "calling `replicatesync --bootstrap` on " + deleterepo,
          "calling `replicatesync --bootstrap` on " + master.root.resolve("filterrepo"),
          "calling `replicatesync --bootstrap` on " + mc,
          "calling `replicatesync --bootstrap` on " + testrepo,
          "called `replicatesync --bootstrap` on " + deleterepo + " successfully",
          "called `replicatesync --bootstrap` on " + master.root.resolve("filterrepo") + " successfully",
          "called `replicatesync --bootstrap` on " + mc + " successfully",
          "called `replicatesync --bootstrap` on " + testrepo + " successfully",
          "gathered final Kafka offsets",
          "hgssh bootstrap process complete!",
          "writing output to " + json), masterLines);
      // The windows hold exactly the four bootstrap syncs (test-bootstrap.t: 2 on partition 0, 2 on 2).
      assertEquals(new OffsetWindow(6, 8), snapshot.offsets().get(0));
      assertEquals(new OffsetWindow(10, 12), snapshot.offsets().get(2));
      for (EmbeddedKafka.StoredRecord r : kafka.readAll(topic)) {
        OffsetWindow w = snapshot.offsets().get(r.partition());
        if (r.offset() >= w.start() && r.offset() < w.end()) {
          Event e = r.message().event();
          assertTrue(e instanceof RepoSyncV2 s && s.bootstrap(), "in the window: " + e);
        }
      }

      // A push while the bootstrap runs (test-bootstrap.t widens the window to take it in) ...
      master.commit(mcClient, "bar", "test data\n", "test extra messages commit");
      master.pushOk(mcClient, mc);
      SortedMap<Integer, OffsetWindow> widened = new TreeMap<>(snapshot.offsets());
      widened.put(2, new OffsetWindow(10, logEnds(topic).get(2)));
      assertEquals(new OffsetWindow(10, 16), widened.get(2));
      Path edited = tmp.resolve("hgssh_edited.json");
      SnapshotFile.write(edited, new BootstrapSnapshot(widened, snapshot.repositories()));
      // ... one after it, for the daemons, and a repository deleted on the master meanwhile.
      master.commit(mcClient, "foo", "Some changes\n", "Another commit");
      master.pushOk(mcClient, mc);
      assertEquals(0, new ProcessBuilder("rm", "-rf", deleterepo.toString()).start().waitFor());

      // The mirror bootstrap.
      CommandRun hgweb;
      List<String> mirrorLines;
      try (Lines lines = new Lines(BootstrapLog.NAME)) {
        hgweb = CommandRun.run("bootstrap-mirror", mirrorIni.toString(), edited.toString(), "--workers", "1");
        mirrorLines = lines.get();
      }
      assertEquals(1, hgweb.exitCode(), hgweb.toString());
      Path audit = tmp.resolve("hgweb0/hgweb_bootstrap_out.json");
      assertTrue(hgweb.out().contains("2 repositories need attention, see " + audit), hgweb.toString());
      for (String expected : List.of(
          "reading hgssh JSON document",
          "JSON document read",
          "message on partition 2, offset 15 has been collected",
          "scheduled clone for {moz}/deleterepo",
          "extra messages found for {moz}/mozilla-central: 2 total",
          "{moz}/mozilla-central successfully cloned",
          "scheduling extra processing for {moz}/mozilla-central",
          "extra processing for {moz}/mozilla-central completed successfully",
          "{moz}/testrepo successfully cloned",
          group + " bootstrap process complete")) {
        assertTrue(mirrorLines.contains(expected), expected + " in " + mirrorLines);
      }
      String auditJson = Files.readString(audit);
      assertTrue(auditJson.startsWith("{\"{moz}/deleterepo\": [\"error triggering replication of Mercurial repo "
          + "{moz}/deleterepo: hg pull exited 255: abort: repository " + deleterepo + " not found"), auditJson);
      assertTrue(auditJson.endsWith("\"{moz}/filterrepo\": [\"filtered by rule testrule\"]}\n"), auditJson);
      assertFalse(Files.exists(mirrorRoot.resolve("deleterepo")));
      assertFalse(Files.exists(mirrorRoot.resolve("filterrepo")));
      assertEquals("[hooks]\ndummy = value\n", Files.readString(mirrorRoot.resolve("mozilla-central/.hg/hgrc")));
      assertEquals("[web]\ndescription = random\n", Files.readString(mirrorRoot.resolve("testrepo/.hg/hgrc")));
      SortedMap<Integer, Long> windowEnds = new TreeMap<>();
      widened.forEach((p, w) -> windowEnds.put(p, w.end()));
      assertEquals(windowEnds, committed(group, topic));

      // The daemon, started now, applies what came after the window: nothing twice, nothing missed.
      SortedMap<Integer, Long> ends = logEnds(topic);
      assertEquals(20L, ends.get(2));
      ConsumerSettings settings = ConsumerSettings.from(IniFile.load(mirrorIni));
      ExecutorService thread = Executors.newSingleThreadExecutor();
      try (Lines consumerLines = new Lines(ConsumerLog.NAME);
          ConsumeSession session = ConsumeSession.open(settings, mirrorIni.toString())) {
        Future<MirrorConsumer.Result> run = thread.submit(() -> session.consume(
            new MirrorConsumer.Options(Optional.empty(), OptionalLong.empty(), false, settings.pollTimeout())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!committed(group, topic).equals(ends)) {
          assertFalse(run.isDone(), () -> "daemon ended early: " + consumerLines.get());
          assertTrue(System.nanoTime() < deadline, () -> "daemon did not catch up: " + consumerLines.get());
          Thread.sleep(50);
        }
        session.stop();
        assertEquals(MirrorConsumer.Result.STOPPED, run.get(60, TimeUnit.SECONDS));
        for (String line : consumerLines.get()) {
          Matcher m = PROCESSING.matcher(line);
          if (m.matches()) {
            int partition = Integer.parseInt(m.group(1));
            assertTrue(Long.parseLong(m.group(2)) >= windowEnds.get(partition), "applied twice: " + line);
          }
        }
        assertTrue(consumerLines.get().contains(
            "processing heartbeat-1 from partition 2 offset 16"), consumerLines.get().toString());
      } finally {
        thread.shutdownNow();
      }
      for (String name : List.of("mozilla-central", "testrepo")) {
        assertEquals(history(master, master.root.resolve(name)), history(master, mirrorRoot.resolve(name)), name);
      }
      assertEquals(3, history(master, mirrorRoot.resolve("mozilla-central")).lines().count());
    }
  }

  @Test
  void bootstrapMasterRefusesAMissingRepositoryRoot() throws Exception {
    Path config = tmp.resolve("producer.ini");
    Files.writeString(config, String.join("\n",
        "[replicationproducer]",
        "hosts = " + kafka.bootstrapServers(),
        "clientid = producer-it",
        "topic = " + kafka.createUniqueTopic("pushdata", 8),
        "partitionmap.0main = 0:.*",
        "reqacks = -1",
        "acktimeout = 10000",
        "[replicationpathrewrites]",
        tmp.resolve("missing") + "/ = {moz}/",
        ""));

    CommandRun run = CommandRun.run("bootstrap-master", config.toString(), "--output", tmp.resolve("out.json").toString());

    assertEquals(1, run.exitCode(), run.toString());
    assertEquals("bootstrap-master: repository root " + tmp.resolve("missing") + " of [replicationpathrewrites] entry '"
        + tmp.resolve("missing") + "/ = {moz}/' is not a directory\n", run.err());
    assertFalse(Files.exists(tmp.resolve("out.json")));
  }

  @Test
  void bootstrapMirrorRefusesAMalformedSnapshotAndCommitsNothing() throws Exception {
    Path ini = tmp.resolve("vcsreplicator.ini");
    Files.writeString(ini, String.join("\n",
        "[consumer]", "hosts = " + kafka.bootstrapServers(), "client_id = c", "topic = t", "group = g",
        "[path_rewrites]", "{moz} = " + tmp, ""));
    Path json = tmp.resolve("hgssh.json");
    Files.writeString(json, "{\"offsets\": {\"0\": [5, 2]}, \"repositories\": []}");

    CommandRun run = CommandRun.run("bootstrap-mirror", ini.toString(), json.toString());

    assertEquals(2, run.exitCode(), run.toString());
    assertEquals("bootstrap-mirror: " + json + ": offsets.0 must be [start, end] with 0 <= start <= end, got [5,2]\n",
        run.err());
    assertFalse(Files.exists(tmp.resolve("hgweb_bootstrap_out.json")));
  }
}
