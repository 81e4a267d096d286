package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.bootstrap.BootstrapException;
import org.vcsreplicator.bootstrap.BootstrapSnapshot;
import org.vcsreplicator.bootstrap.LogLines;
import org.vcsreplicator.bootstrap.MasterBootstrap;
import org.vcsreplicator.bootstrap.MirrorBootstrap;
import org.vcsreplicator.bootstrap.OffsetWindow;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.fs.FileTrees;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.ProcessHg;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.PartitionOffsets;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.producer.EventProducerLog;
import org.vcsreplicator.producer.RepoRouter;
import org.vcsreplicator.producer.ReplicationCommands;
import org.vcsreplicator.routing.ReplicationRules;

/**
 * Bootstrapping a new mirror through the real parts (test-bootstrap.t): master repositories made
 * with hg, the master bootstrap writing its syncs through {@link ReplicationCommands} to a real
 * topic, pushes during the window and after it (events as the producer writes them), a repository
 * deleted on the master and one filtered by the mirror's rules; then the mirror bootstrap, and the
 * consumer daemon started after it.
 *
 * @see org.vcsreplicator.bootstrap.BootstrapPlanTest the window's decisions without Kafka and hg
 */
class MirrorBootstrapIT {
  static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  static final WirePath TEST = WirePath.of("{moz}/testrepo");
  static final WirePath DELETE = WirePath.of("{moz}/deleterepo");
  static final WirePath FILTER = WirePath.of("{moz}/filterrepo");
  static final WirePath FRESH = WirePath.of("{moz}/fresh");
  static final Pattern PROCESSING = Pattern.compile("^processing .* from partition (\\d+) offset (\\d+)$");

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  static Hg hg;

  @TempDir Path tmp;
  MirrorHarness h;
  ProducerSettings producer;
  RepoRouter router;

  @BeforeAll
  static void openHg() throws Exception {
    hg = HgFactory.open(MirrorHarness.HG);
  }

  @AfterAll
  static void closeHg() {
    hg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    h = new MirrorHarness(kafka, hg, tmp.toRealPath());
    // The original's partition map: mozilla-central and testrepo on 2, deleterepo on 0.
    producer = ProducerSettings.from(IniFile.parse("producer.ini", String.join("\n",
        "[replicationproducer]",
        "hosts = " + kafka.bootstrapServers(),
        "clientid = master",
        "topic = " + h.topic,
        "partitionmap.0try = 4:\\{moz\\}\\/try",
        "partitionmap.1user = 5,6,7:\\{moz\\}\\/users\\/.*",
        "partitionmap.2main = 0,1,2,3:.*",
        "reqacks = -1",
        "acktimeout = 10000",
        "[replicationpathrewrites]",
        h.masterRoot + "/ = {moz}/",
        "")));
    router = RepoRouter.from(producer);
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  ConsumerSettings mirrorSettings() {
    return h.settings().replicationRules(new ReplicationRules(List.of(
        ReplicationRules.Rule.parse("exclude.testrule", "path:{moz}/filterrepo"),
        ReplicationRules.Rule.parse("include.rest", "re:\\{moz\\}/.*")))).build();
  }

  int partitionOf(WirePath repo) throws Exception {
    return router.route(h.masterRoot.resolve(repo.value().substring("{moz}/".length()))).partition();
  }

  void send(Event event) throws Exception {
    h.send(partitionOf(event.repo().orElseThrow()), event);
  }

  /** A master repository with its creation and first push in the log, as the producer writes them. */
  Path masterRepo(WirePath wire, String... messages) throws Exception {
    Path repo = h.masterRepo(wire.value().substring("{moz}/".length()), messages);
    send(new RepoInitV2(wire, true));
    if (messages.length > 0) {
      push(wire, repo, messages.length);
    }
    return repo;
  }

  /** The events of a push of {@code count} changesets ending at the tip. */
  void push(WirePath wire, Path repo, int count) throws Exception {
    NodeId tip = h.tip(repo);
    send(new ChangegroupV2(wire, "serve", count, List.of(tip)));
    send(new Heads(wire, List.of(tip), OptionalLong.empty()));
  }

  SortedMap<Integer, Long> logEnds() throws ReplicationLogUnavailableException {
    try (OffsetsAdmin admin = new OffsetsAdmin(kafka.clientConfig(), Duration.ofSeconds(30), Clock.systemUTC())) {
      SortedMap<Integer, Long> ends = new TreeMap<>();
      for (PartitionOffsets o : admin.logOffsets(h.topic).values()) {
        ends.put(o.partition(), o.endOffset());
      }
      return ends;
    }
  }

  BootstrapSnapshot masterBootstrap() throws Exception {
    try (EventProducer events = new EventProducer(kafka.clientConfig("bootstrap-master"), Duration.ofSeconds(30),
        Clock.systemUTC()); ProcessHg masterHg = new ProcessHg(HgOptions.defaults(MirrorHarness.HG))) {
      ReplicationCommands commands = new ReplicationCommands(router, new EventProducerLog(events, h.topic), masterHg);
      return new MasterBootstrap(producer.pathRewrites(), router, commands, this::logEnds, 2).run();
    }
  }

  @Test
  void bootstrapsANewMirrorThatThenAppliesExactlyWhatCameAfterTheWindow() throws Exception {
    Path mc = masterRepo(MC, "initial m-c");
    Path test = masterRepo(TEST, "initial");
    Path delete = masterRepo(DELETE, "doomed");
    masterRepo(FILTER, "filtered");
    Files.writeString(mc.resolve(".hg/hgrc"), "[hooks]\ndummy = value\n");
    Files.writeString(test.resolve(".hg/hgrc"), "[web]\ndescription = random\n");

    BootstrapSnapshot snapshot;
    try (LogLines log = new LogLines()) {
      snapshot = masterBootstrap();
      List<String> lines = log.lines();
      assertEquals("gathered initial Kafka offsets", lines.get(0));
      assertTrue(lines.contains("calling `replicatesync --bootstrap` on " + mc), lines.toString());
      assertTrue(lines.contains("called `replicatesync --bootstrap` on " + mc + " successfully"), lines.toString());
      assertEquals("gathered final Kafka offsets", lines.get(lines.size() - 1));
    }
    assertEquals(List.of(DELETE, FILTER, MC, TEST), snapshot.repositories());
    assertEquals(8, snapshot.offsets().size());
    // Each window holds exactly the syncs of its partition's repositories (nothing else ran).
    assertEquals(new OffsetWindow(6, 8), snapshot.offsets().get(0));
    assertEquals(new OffsetWindow(6, 8), snapshot.offsets().get(2));

    // Pushes while the bootstrap runs (as test-bootstrap.t, by widening the window to include them):
    // one to mozilla-central, and a repository created on the master meanwhile.
    h.commit(mc, "test extra messages commit");
    push(MC, mc, 1);
    Path fresh = masterRepo(FRESH, "fresh 1", "fresh 2");
    SortedMap<Integer, OffsetWindow> widened = new TreeMap<>();
    logEnds().forEach((p, end) -> widened.put(p, new OffsetWindow(snapshot.offsets().get(p).start(), end)));
    BootstrapSnapshot window = new BootstrapSnapshot(widened, snapshot.repositories());

    // After the window: for the daemons.
    h.commit(mc, "Another commit");
    push(MC, mc, 1);
    h.commit(test, "after the window");
    push(TEST, test, 1);
    h.commit(fresh, "fresh 3");
    push(FRESH, fresh, 1);
    FileTrees.deleteTree(delete);
    // A leftover directory makes the stream clone of testrepo fail: init and pull take over.
    Files.createDirectories(h.mirror("testrepo"));
    Files.writeString(h.mirror("testrepo").resolve("leftover.txt"), "x\n");

    MirrorBootstrap.Result result;
    try (LogLines log = new LogLines(); LogCapture consumerLog = new LogCapture();
        MirrorBootstrap bootstrap = MirrorBootstrap.open(mirrorSettings(), 2)) {
      result = bootstrap.run(window);
      List<String> lines = log.lines();
      assertTrue(lines.contains("extra messages found for {moz}/mozilla-central: 2 total"), lines.toString());
      assertTrue(lines.contains("scheduling extra processing for {moz}/mozilla-central"), lines.toString());
      assertTrue(lines.contains("extra processing for {moz}/mozilla-central completed successfully"), lines.toString());
      assertTrue(lines.contains("{moz}/testrepo successfully cloned"), lines.toString());
      assertTrue(lines.contains("extra processing for {moz}/fresh completed successfully"), lines.toString());
      assertTrue(lines.contains("mirror-" + h.topic + " bootstrap process complete"), lines.toString());
      List<String> hgLines = consumerLog.lines();
      assertTrue(hgLines.contains("performing stream clone of " + mc + " to " + h.mirror("mozilla-central")),
          hgLines.toString());
      assertTrue(hgLines.contains("stream clone of " + test + " failed - using pull instead"), hgLines.toString());
      assertTrue(hgLines.contains("removed incomplete repository " + h.mirror("deleterepo")), hgLines.toString());
    }

    assertEquals(List.of("{moz}/deleterepo", "{moz}/filterrepo"), List.copyOf(result.problems().keySet()));
    assertEquals(List.of("filtered by rule testrule"), result.problems().get("{moz}/filterrepo"));
    assertTrue(result.problems().get("{moz}/deleterepo").get(0)
        .startsWith("error triggering replication of Mercurial repo {moz}/deleterepo: "), result.problems().toString());
    assertFalse(Files.exists(h.mirror("deleterepo")));
    assertFalse(Files.exists(h.mirror("filterrepo")));
    // The pull path took exactly the synced head: the commit after the window is the daemons'.
    assertEquals("0:" + h.hgOk(test, "log", "-r", "0", "-T", "{node}").stdout() + "\n", h.history(h.mirror("testrepo")));
    assertEquals("[web]\ndescription = random\n", Files.readString(h.mirror("testrepo").resolve(".hg/hgrc")));
    assertEquals("[hooks]\ndummy = value\n", Files.readString(h.mirror("mozilla-central").resolve(".hg/hgrc")));
    for (int p = 0; p < 8; p++) {
      assertEquals(window.offsets().get(p).end(), h.committed(p), "committed offset of partition " + p);
    }

    // The daemon, started now, applies what came after the window and nothing of the window.
    SortedMap<Integer, Long> ends = logEnds();
    try (LogCapture consumerLog = new LogCapture(); MirrorHarness.Running daemon = h.start(mirrorSettings(), Optional.empty())) {
      for (Map.Entry<Integer, Long> e : ends.entrySet()) {
        daemon.awaitCommitted(e.getKey(), e.getValue());
      }
      assertEquals(MirrorConsumer.Result.STOPPED, daemon.stop());
      for (String line : consumerLog.lines()) {
        Matcher m = PROCESSING.matcher(line);
        if (m.matches()) {
          int partition = Integer.parseInt(m.group(1));
          assertTrue(Long.parseLong(m.group(2)) >= window.offsets().get(partition).end(), "applied twice: " + line);
        }
      }
      assertTrue(consumerLog.lines().stream().anyMatch(l -> l.startsWith("processing hg-changegroup-2: (repo: {moz}/testrepo")),
          consumerLog.lines().toString());
    }
    for (String name : List.of("mozilla-central", "testrepo", "fresh")) {
      assertEquals(h.history(h.masterRoot.resolve(name)), h.history(h.mirror(name)), name);
    }
    assertEquals("[hooks]\ndummy = value\n", Files.readString(h.mirror("mozilla-central").resolve(".hg/hgrc")));
    assertFalse(Files.exists(h.mirror("filterrepo")));
  }

  @Test
  void refusesASnapshotThatDoesNotFitTheTopic() throws Exception {
    BootstrapSnapshot wrong = new BootstrapSnapshot(new TreeMap<>(Map.of(0, new OffsetWindow(0, 0))), List.of(MC));
    try (MirrorBootstrap bootstrap = MirrorBootstrap.open(mirrorSettings(), 1)) {
      BootstrapException e = assertThrows(BootstrapException.class, () -> bootstrap.run(wrong));
      assertTrue(e.getMessage().contains("the snapshot has windows for partitions [0] but the topic has partitions "
          + "[0, 1, 2, 3, 4, 5, 6, 7]"), e.getMessage());
    }
    assertEquals(-1, h.committed(0));
  }

  @Test
  void refusesAWindowBeyondTheLogEnd() throws Exception {
    SortedMap<Integer, OffsetWindow> windows = new TreeMap<>();
    for (int p = 0; p < 8; p++) {
      windows.put(p, new OffsetWindow(0, p == 2 ? 5 : 0));
    }
    try (MirrorBootstrap bootstrap = MirrorBootstrap.open(mirrorSettings(), 1)) {
      BootstrapException e = assertThrows(BootstrapException.class,
          () -> bootstrap.run(new BootstrapSnapshot(windows, List.of(MC))));
      assertTrue(e.getMessage().contains("the window of partition 2 ends at offset 5 but the log ends at 0"),
          e.getMessage());
    }
  }
}
