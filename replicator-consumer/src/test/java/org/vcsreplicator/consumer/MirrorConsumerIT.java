package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.SkipRecordReader;
import org.vcsreplicator.kafka.SkipRecorder;
import org.vcsreplicator.kafka.SkipRequest;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV1;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.ReplicationRules;
import org.vcsreplicator.skip.SkipRecord;

/**
 * The mirror consumer through its real parts: a Kafka broker in this JVM, the real hg, real
 * repositories on disk. Each test produces events, runs the consumer as the daemon runs, and
 * checks the mirror on disk and the group's committed offsets.
 *
 * @see MirrorConsumerTest for the loop mechanics with a mock consumer
 */
class MirrorConsumerIT {
  private static final WirePath MC = WirePath.of("{moz}/mozilla-central");

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static Hg hg;

  @TempDir Path tmp;
  private MirrorHarness h;
  private LogCapture logs;

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
    logs = new LogCapture();
  }

  @AfterEach
  void tearDown() {
    logs.close();
    h.close();
  }

  private static ChangegroupV2 changegroup(WirePath repo, int count, NodeId... heads) {
    return new ChangegroupV2(repo, "serve", count, List.of(heads));
  }

  // ---------------------------------------------------------------------------------- init

  @Test
  void initCreatesTheRepositoryInTheMastersFormat() throws Exception {
    Path master = h.masterRepo("mozilla-central");
    h.send(0, new Heartbeat());
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, new RepoInitV2(WirePath.of("{moz}/old-format"), false));
    h.send(2, new RepoInitV1(WirePath.of("{moz}/v1")));
    h.drain(2, 3);

    Path mirror = h.mirror("mozilla-central");
    assertEquals(h.requirements(master), h.requirements(mirror));
    assertFalse(h.requirements(h.mirror("old-format")).contains("generaldelta"),
        "generaldelta: false is honoured");
    assertTrue(Files.isDirectory(h.mirror("v1").resolve(".hg")));
    assertTrue(logs.lines().contains("created Mercurial repository: " + mirror), logs.lines().toString());
    assertTrue(logs.lines().contains("processing hg-repo-init-2: (repo: {moz}/mozilla-central) from partition 2 offset 0"));
    assertTrue(logs.lines().contains("processing heartbeat-1 from partition 0 offset 0"));
  }

  // --------------------------------------------------------------------------- changegroup

  @Test
  void changegroupPullsExactlyTheListedHeads() throws Exception {
    Path master = h.masterRepo("mozilla-central", "one", "two", "three");
    NodeId tip = h.tip(master);
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, changegroup(MC, 3, tip));
    h.send(2, new Heads(MC, List.of(tip), OptionalLong.of(1)));
    h.drain(2, 3);

    Path mirror = h.mirror("mozilla-central");
    assertEquals(h.history(master), h.history(mirror), "same revisions, same numbers");
    String url = h.masterRoot.resolve("mozilla-central").toString();
    List<String> lines = logs.lines();
    int pulling = lines.indexOf("pulling 1 heads (" + tip.hex() + ") and 3 nodes from " + url + " into " + mirror);
    assertTrue(pulling >= 0, lines.toString());
    assertEquals("  $ /usr/bin/hg pull -r" + tip.hex() + " --config=firefoxtree.replication=true -- " + url,
        lines.get(pulling + 1));
    assertTrue(lines.contains("  > added 3 changesets with 3 changes to 1 files"), lines.toString());
    assertTrue(lines.contains("  [0]"));
    assertTrue(lines.contains("pulled 3 changesets into " + mirror));

    // Two new heads are listed; a third head the event does not list must not come along.
    NodeId a = h.commit(master, "four");
    h.hgOk(master, "update", "-r", "0");
    NodeId b = h.commit(master, "five");
    h.send(2, changegroup(MC, 2, a, b));
    h.hgOk(master, "update", "-r", "1");
    NodeId unlisted = h.commit(master, "six");
    h.drain(2, 4);
    String mirrored = h.history(mirror);
    assertTrue(mirrored.contains(a.hex()) && mirrored.contains(b.hex()), mirrored);
    assertFalse(mirrored.contains(unlisted.hex()), "only the event's heads are pulled");
    assertTrue(logs.lines().stream().anyMatch(l ->
        l.equals("  $ /usr/bin/hg pull -r" + a.hex() + " -r" + b.hex() + " --config=firefoxtree.replication=true -- " + url)));
  }

  // ---------------------------------------------------------------------------------- hgrc

  @Test
  void hgrcIsWrittenByteForByteThenDeleted() throws Exception {
    h.masterRepo("mozilla-central");
    String content = "[hooks]\ndummy = value\n\n[web]\ndescription = \u3053\u3093\u306b\u3061\u306f\n";
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, new HgrcUpdate(MC, Optional.of(content)));
    h.drain(2, 2);
    Path hgrc = h.mirror("mozilla-central").resolve(".hg/hgrc");
    assertArrayEquals(content.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(hgrc));
    assertTrue(logs.lines().contains("writing hgrc: " + hgrc));
    assertFalse(Files.exists(hgrc.resolveSibling("hgrc.vcsreplicator-tmp")), "no temporary file left behind");

    h.send(2, new HgrcUpdate(MC, Optional.empty()));
    h.drain(2, 3);
    assertFalse(Files.exists(hgrc));
    assertTrue(logs.lines().contains("deleting hgrc from " + h.mirror("mozilla-central")));
  }

  // ------------------------------------------------------------------------------- pushkey

  @Test
  void pushkeySetsBookmarksAndPhases() throws Exception {
    Path master = h.masterRepo("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[phases]\npublish = False\n");
    NodeId node = h.commit(master, "draft work");
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, changegroup(MC, 1, node));
    h.send(2, new Pushkey(MC, Pushkey.BOOKMARKS, "my-bookmark", "", node.hex(), 0));
    h.send(2, new Pushkey(MC, Pushkey.PHASES, node.hex(), "1", "0", 0));
    h.drain(2, 4);

    Path mirror = h.mirror("mozilla-central");
    assertEquals("my-bookmark 0:" + node.shortHex() + "\n", h.bookmarks(mirror));
    assertEquals("0: public\n", h.hgOk(mirror, "phase", "-r", node.hex()).stdout());
    List<String> lines = logs.lines();
    int at = lines.indexOf("executing pushkey on " + mirror + " for bookmarks[my-bookmark]");
    assertTrue(at >= 0, lines.toString());
    assertEquals(List.of(
        "  $ /usr/bin/hg debugpushkey -- " + mirror + " bookmarks my-bookmark '' " + node.hex(),
        "  > True",
        "  [0]"), lines.subList(at + 1, at + 4));
  }

  @Test
  void divergedBookmarkTakesTheMastersValue() throws Exception {
    Path master = h.masterRepo("mozilla-central", "base");
    NodeId first = h.commit(master, "first");
    h.hgOk(master, "bookmark", "-r", first.hex(), "divergent");
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, changegroup(MC, 2, first));
    h.drain(2, 2);
    assertEquals("divergent 1:" + first.shortHex() + "\n", h.bookmarks(h.mirror("mozilla-central")));

    // The master forces the bookmark onto a new head that does not descend from the old value.
    h.hgOk(master, "update", "-r", "0");
    NodeId other = h.commit(master, "other head");
    h.hgOk(master, "bookmark", "-f", "-r", other.hex(), "divergent");
    h.send(2, changegroup(MC, 1, other));
    h.drain(2, 3);
    assertEquals("divergent 2:" + other.shortHex() + "\n", h.bookmarks(h.mirror("mozilla-central")),
        "the mirror follows the master and never keeps divergent@N");
  }

  // -------------------------------------------------------------------------------- delete

  @Test
  void deleteMovesTheRepositoryAsideThenRemovesIt() throws Exception {
    h.masterRepo("mozilla-central", "one");
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, new RepoDelete(MC));
    h.send(2, new RepoDelete(MC)); // redelivered or repeated: a missing repository is a no-op
    h.drain(2, 3);
    Path mirror = h.mirror("mozilla-central");
    assertFalse(Files.exists(mirror));
    assertFalse(Files.exists(h.todelete.resolve("mozilla-central")));
    assertTrue(logs.lines().contains("repository at " + mirror + " deleted"));
    assertTrue(logs.lines().contains("delete message received for path that does not exist: " + mirror));
  }

  @Test
  void backupMirrorKeepsDeletedRepositories() throws Exception {
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, new RepoDelete(MC));
    h.drain(h.settings().backup(true).build(), 2, 2);
    assertTrue(Files.isDirectory(h.mirror("mozilla-central").resolve(".hg")));
    assertTrue(logs.lines().contains("node is a backup; ignoring delete for " + h.mirror("mozilla-central")));
  }

  // ---------------------------------------------------------------------------------- sync

  @Test
  void syncCreatesAMissingRepositoryWritesHgrcAndPullsHeads() throws Exception {
    Path master = h.masterRepo("mozilla-central", "one", "two");
    List<String> requirements = h.requirements(master).lines().toList();
    String hgrc = "[hooks]\nfoo = bar\n\n";
    h.send(2, new RepoSyncV2(MC, requirements, Optional.of(hgrc), List.of(h.tip(master)), false));
    h.send(2, new RepoSyncV2(WirePath.of("{moz}/bootstrapped"), requirements, Optional.empty(),
        List.of(NodeId.NULL), true));
    h.drain(2, 2);

    Path mirror = h.mirror("mozilla-central");
    assertEquals(h.history(master), h.history(mirror));
    assertEquals(hgrc, Files.readString(mirror.resolve(".hg/hgrc")));
    assertEquals(h.requirements(master), h.requirements(mirror));
    assertFalse(Files.exists(h.mirror("bootstrapped")), "bootstrap syncs are for the bootstrap tool");
    List<String> lines = logs.lines();
    assertTrue(lines.contains("repository does not exist: " + mirror));
    assertTrue(lines.contains("pulling 1 heads into " + mirror));
    assertTrue(lines.contains("pulled 2 changesets into " + mirror));
    assertTrue(lines.contains("processing hg-repo-sync-2: (repo: {moz}/bootstrapped, heads: ['000000000000'], "
        + "bootstrap: True) from partition 2 offset 1"));
  }

  @Test
  void unsupportedRequirementStopsTheSyncWithAnErrorNamingIt() throws Exception {
    Path master = h.masterRepo("mozilla-central");
    List<String> requirements = new java.util.ArrayList<>(h.requirements(master).lines().toList());
    requirements.add("dirstate-v2");
    h.send(2, new RepoSyncV2(MC, requirements, Optional.empty(), List.of(NodeId.NULL), false));

    assertEquals(MirrorConsumer.Result.FAILED, h.runUntilFailure());
    assertEquals(-1, h.committed(2));
    assertFalse(Files.exists(h.mirror("mozilla-central")), "nothing created for a repo we cannot open");
    String error = logs.errors().get(0);
    assertTrue(error.contains("event=hg-repo-sync-2"), error);
    assertTrue(error.contains("does not support: dirstate-v2"), error);
  }

  @Test
  void unsupportedRequirementOfAnExistingMirrorRepoIsNamed() throws Exception {
    Path master = h.masterRepo("mozilla-central", "one");
    h.send(2, new RepoInitV2(MC, true));
    h.drain(2, 1);
    Path requires = h.mirror("mozilla-central").resolve(".hg/requires");
    Files.writeString(requires, Files.readString(requires) + "exp-made-up-format\n");
    h.send(2, changegroup(MC, 1, h.tip(master)));

    assertEquals(MirrorConsumer.Result.FAILED, h.runUntilFailure());
    assertEquals(1, h.committed(2));
    String error = logs.errors().get(0);
    assertTrue(error.contains("unsupported repository requirement(s) exp-made-up-format"), error);
  }

  // ----------------------------------------------------------------------- rules and paths

  @Test
  void filteredRepositoryIsAcknowledgedWithoutAction() throws Exception {
    ConsumerSettings settings = h.settings().replicationRules(new ReplicationRules(List.of(
        ReplicationRules.Rule.parse("exclude.users", "re:\\{moz\\}/users/.*"),
        ReplicationRules.Rule.parse("include.all", "re:\\{moz\\}/.*")))).build();
    h.send(2, new RepoInitV2(WirePath.of("{moz}/users/foo"), true));
    h.send(2, new RepoInitV2(MC, true));
    h.drain(settings, 2, 2);
    assertFalse(Files.exists(h.mirror("users")));
    assertTrue(Files.isDirectory(h.mirror("mozilla-central").resolve(".hg")));
    assertTrue(logs.lines().contains("repo {moz}/users/foo filtered by rule users"), logs.lines().toString());
  }

  @Test
  void pathEscapingTheRootIsAPermanentErrorAndTouchesNothing() throws Exception {
    h.send(2, new RepoInitV2(WirePath.of("{moz}/../escaped"), true));
    assertEquals(MirrorConsumer.Result.FAILED, h.runUntilFailure());
    assertFalse(Files.exists(h.base.resolve("escaped")), "nothing created outside the mirror root");
    assertEquals(-1, h.committed(2));
    String error = logs.errors().get(0);
    assertTrue(error.contains("partition=2 offset=0 repo={moz}/../escaped event=hg-repo-init-2"), error);
  }

  // ---------------------------------------------------------------------------- redelivery

  @Test
  void redeliveredEventsLeaveTheSameMirror() throws Exception {
    Path master = h.masterRepo("mozilla-central", "one", "two");
    NodeId tip = h.tip(master);
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, changegroup(MC, 2, tip));
    h.send(2, new HgrcUpdate(MC, Optional.of("[hooks]\nx = y\n")));
    h.send(2, new Pushkey(MC, Pushkey.BOOKMARKS, "book", "", tip.hex(), 0));
    h.send(2, new RepoInitV2(WirePath.of("{moz}/gone"), true));
    h.send(2, new RepoDelete(WirePath.of("{moz}/gone")));
    h.drain(2, 6);
    Path mirror = h.mirror("mozilla-central");
    String history = h.history(mirror);
    String bookmarks = h.bookmarks(mirror);
    byte[] hgrc = Files.readAllBytes(mirror.resolve(".hg/hgrc"));

    // A crash before the commits: the whole log comes again.
    kafka.admin().alterConsumerGroupOffsets(h.group,
        Map.of(new TopicPartition(h.topic, 2), new OffsetAndMetadata(0))).all().get();
    h.drain(2, 6);
    assertEquals(history, h.history(mirror));
    assertEquals(bookmarks, h.bookmarks(mirror));
    assertArrayEquals(hgrc, Files.readAllBytes(mirror.resolve(".hg/hgrc")));
    assertTrue(logs.lines().contains("repository already exists: " + mirror));
    assertTrue(logs.lines().contains("pulled 0 changesets into " + mirror));
    assertFalse(Files.exists(h.mirror("gone")), "init then delete replayed ends deleted again");
    assertTrue(logs.errors().isEmpty(), logs.errors().toString());
  }

  // ------------------------------------------------------------------------------ incident

  /** The story of seed/incident-replication-wedged.txt, end to end. */
  @Test
  void changegroupForAMissingRepoWedgesThePartitionUntilSkipped() throws Exception {
    Path master = h.masterRepo("users/gszorc_mozilla.com/mc-treemanifest", "one");
    NodeId node = h.tip(master);
    WirePath missing = WirePath.of("{moz}/users/gszorc_mozilla.com/mc-treemanifest");
    WirePath other = WirePath.of("{moz}/users/other");
    h.send(6, new Heartbeat());
    h.send(6, new ChangegroupV1(missing, "serve", List.of(node), List.of(node)));
    h.send(6, new RepoInitV2(other, true));
    h.send(6, new Heartbeat());

    assertEquals(MirrorConsumer.Result.FAILED, h.runUntilFailure());
    assertEquals(1, h.committed(6), "stopped at the bad record, after the heartbeat");
    assertFalse(Files.exists(h.mirror("users/other")), "nothing after the bad record is applied");
    assertEquals(2, logs.errors().size(), logs.errors().toString());
    String error = logs.errors().get(0);
    assertTrue(error.contains("topic=" + h.topic + " partition=6 offset=1 "
        + "repo={moz}/users/gszorc_mozilla.com/mc-treemanifest event=hg-changegroup-1"), error);
    assertTrue(error.contains("does not exist on this mirror"), error);
    assertTrue(error.contains("`bin/vcsreplicator consume mirror.ini --dump --partition 6`"), error);
    assertTrue(error.contains("`bin/vcsreplicator consume mirror.ini --skip --partition 6 --offset 1`"), error);
    assertEquals("exiting main consume loop with error", logs.errors().get(1));

    // --dump: the pending records, the bad one first, as YAML; nothing committed.
    try (ConsumeSession session = ConsumeSession.open(h.settings().build(), "mirror.ini")) {
      List<PendingRecord> pending = session.pendingRecords().dump(Optional.of(6), OptionalLong.empty());
      assertEquals(List.of(1L, 2L, 3L), pending.stream().map(r -> r.at().offset()).toList());
      String yaml = DumpYaml.render(pending);
      assertTrue(yaml.startsWith("- _created: "), yaml);
      assertTrue(yaml.contains("\n  heads:\n  - " + node.hex() + "\n  name: hg-changegroup-1\n  nodes:\n  - "
          + node.hex() + "\n  path: '{moz}/users/gszorc_mozilla.com/mc-treemanifest'\n  source: serve\n"), yaml);
    }
    assertEquals(1, h.committed(6));

    // --skip --partition 6 --offset 1: exactly the bad record, recorded first.
    try (ConsumeSession session = ConsumeSession.open(h.settings().build(), "mirror.ini");
        SkipRecorder recorder = SkipRecorder.forSettings(h.settings().build())) {
      PendingRecords.Skipped skipped = session.pendingRecords().skipNext(Optional.of(6), OptionalLong.empty(),
          new SkipRequest(OptionalLong.of(1), Optional.of("repo missing on this mirror")), recorder).orElseThrow();
      assertEquals(1, skipped.record().at().offset());
      assertEquals("hg-changegroup-1 for {moz}/users/gszorc_mozilla.com/mc-treemanifest", skipped.record().summary());
      assertEquals(h.group + ":" + h.topic + ":6:1", skipped.audit().id());
    }
    assertEquals(2, h.committed(6));
    List<SkipRecord> audit = SkipRecordReader.forSettings(h.settings().build()).readAll();
    assertEquals(1, audit.size());
    assertArrayEquals(h.kafka.readAll(h.topic).stream().filter(r -> r.partition() == 6 && r.offset() == 1)
        .findFirst().orElseThrow().value(), audit.get(0).event());
    assertEquals(Optional.of("repo missing on this mirror"), audit.get(0).reason());

    // The consumer then continues with the next events.
    h.drain(6, 4);
    assertTrue(Files.isDirectory(h.mirror("users/other").resolve(".hg")));
  }

  @Test
  void skipWithNothingPendingSkipsNothing() throws Exception {
    h.send(2, new Heartbeat());
    h.drain(2, 1);
    try (ConsumeSession session = ConsumeSession.open(h.settings().build(), "mirror.ini")) {
      try (SkipRecorder recorder = SkipRecorder.forSettings(h.settings().build())) {
        assertEquals(Optional.empty(),
            session.pendingRecords().skipNext(Optional.empty(), OptionalLong.empty(), SkipRequest.next(), recorder));
      }
      assertEquals(List.of(), session.pendingRecords().dump(Optional.empty(), OptionalLong.empty()));
    }
    assertEquals(1, h.committed(2));
  }

  // ------------------------------------------------------------------------------ recovery

  @Test
  void abandonedTransactionOnTheMirrorIsRecoveredAutomatically() throws Exception {
    Path master = h.masterRepo("mozilla-central", "one");
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, changegroup(MC, 1, h.tip(master)));
    h.drain(2, 2);
    Path mirror = h.mirror("mozilla-central");
    Files.createFile(mirror.resolve(".hg/store/journal"));
    NodeId second = h.commit(master, "second");
    h.send(2, changegroup(MC, 1, second));
    h.drain(2, 3);

    assertEquals(h.history(master), h.history(mirror));
    assertFalse(Files.exists(mirror.resolve(".hg/store/journal")));
    List<String> lines = logs.lines();
    int at = lines.indexOf("attempting to autorecover from abandoned transaction");
    assertTrue(at > 0, lines.toString());
    assertEquals("  > abort: abandoned transaction found", lines.get(at - 3));
    assertEquals("  $ /usr/bin/hg recover", lines.get(at + 1));
    assertEquals("  > rolling back interrupted transaction", lines.get(at + 2));
    assertTrue(lines.subList(at, lines.size()).contains("pulled 1 changesets into " + mirror));
  }

  // --------------------------------------------------------------------------- stop/restart

  @Test
  void stopDuringALongPullCommitsNothingAndTheEventIsAppliedAfterRestart() throws Exception {
    Path master = h.masterRepo("mozilla-central", "one");
    h.send(2, new RepoInitV2(MC, true));
    h.drain(2, 1);
    // A hook inside the pull's transaction that holds it open while the block file exists.
    Path block = h.base.resolve("block");
    Path started = h.base.resolve("started");
    Path hook = h.base.resolve("blockhook.py");
    Files.writeString(hook, String.join("\n",
        "import os, time",
        "def hook(ui, repo, **kwargs):",
        "    if not os.path.exists(" + pyString(block) + "):",
        "        return False",
        "    open(" + pyString(started) + ", 'w').close()",
        "    for _ in range(1200):",
        "        if not os.path.exists(" + pyString(block) + "):",
        "            break",
        "        time.sleep(0.05)",
        "    return False",
        ""));
    Path mirror = h.mirror("mozilla-central");
    Files.writeString(mirror.resolve(".hg/hgrc"), "[hooks]\npretxnchangegroup.block = python:" + hook + ":hook\n");
    Files.createFile(block);
    h.send(2, changegroup(MC, 1, h.tip(master)));

    MirrorHarness.Running running = h.start();
    MirrorHarness.await(() -> Files.exists(started), "the pull to be in progress");
    assertEquals(MirrorConsumer.Result.STOPPED, running.stop());
    assertEquals(1, h.committed(2), "the event in hand is not committed");
    assertEquals("", h.hgOk(mirror, "log", "-T", "{node}").stdout(), "the abandoned pull added nothing");
    assertTrue(logs.lines().contains("exiting from main consume loop"));

    Files.delete(block);
    h.drain(2, 2);
    assertEquals(h.history(master), h.history(mirror));
    assertTrue(logs.errors().isEmpty(), logs.errors().toString());
  }

  @Test
  void restartResumesAtTheCommittedOffset() throws Exception {
    h.masterRepo("mozilla-central");
    h.send(2, new RepoInitV2(MC, true));
    h.drain(2, 1);
    int before = logs.lines().size();
    h.send(2, new HgrcUpdate(MC, Optional.of("[hooks]\ndummy = value\n")));
    h.drain(2, 2);
    List<String> second = logs.lines().subList(before, logs.lines().size());
    assertEquals("starting consumer for topic=" + h.topic + " group=" + h.group + " partitions=all", second.get(0));
    assertEquals("processing hg-hgrc-update-1: (repo: {moz}/mozilla-central) from partition 2 offset 1", second.get(1));
    assertEquals("writing hgrc: " + h.mirror("mozilla-central").resolve(".hg/hgrc"), second.get(2));
  }

  // ------------------------------------------------------------------------- operator flags

  @Test
  void onetimeWaitForNAndWaitForNoLag() throws Exception {
    h.send(2, new RepoInitV2(MC, true));
    h.send(2, new Heartbeat());
    ConsumerSettings settings = h.settings().build();
    try (ConsumeSession session = ConsumeSession.open(settings, "mirror.ini")) {
      List<String> seen = new java.util.ArrayList<>();
      int n = session.pendingRecords().waitForN(Optional.empty(), OptionalLong.empty(), 2, session.stopSignal(),
          r -> seen.add(r.summary()));
      assertEquals(2, n);
      assertEquals(List.of("hg-repo-init-2 for {moz}/mozilla-central", "heartbeat-1"), seen);
    }
    assertEquals(-1, h.committed(2), "--wait-for-n commits nothing");

    try (ConsumeSession session = ConsumeSession.open(settings, "mirror.ini")) {
      assertEquals(MirrorConsumer.Result.PROCESSED_ONE, session.consume(new MirrorConsumer.Options(
          Optional.empty(), OptionalLong.empty(), true, settings.pollTimeout())));
    }
    assertEquals(1, h.committed(2));
    assertTrue(Files.isDirectory(h.mirror("mozilla-central").resolve(".hg")));

    CompletableFuture<Boolean> noLag = CompletableFuture.supplyAsync(() -> {
      try (ConsumeSession session = ConsumeSession.open(settings, "mirror.ini")) {
        return session.pendingRecords().waitForNoLag(Optional.empty(), session.stopSignal());
      }
    });
    assertFalse(noLag.isDone(), "one record is still pending");
    h.drain(2, 2);
    assertTrue(noLag.get(60, java.util.concurrent.TimeUnit.SECONDS));

    try (ConsumeSession session = ConsumeSession.open(settings, "mirror.ini")) {
      assertEquals(MirrorConsumer.Result.NOTHING_PENDING, session.consume(new MirrorConsumer.Options(
          Optional.empty(), OptionalLong.empty(), true, settings.pollTimeout())));
    }
    assertNotEquals(0, logs.lines().size());
  }

  private static String pyString(Path p) {
    return "'" + p.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  static Clock clock() {
    return Clock.systemUTC();
  }
}
