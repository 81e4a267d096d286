package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.cli.ProducerSandbox.Run;

/**
 * The producer end to end: the real {@code hg} (6.3.2) with the hook module from {@code hghooks/}
 * in the master's config, {@code producer-daemon} running in this JVM, pushes over hg's ssh
 * protocol (a stand-in ssh that runs the remote command locally), events read back from a real
 * Kafka topic. Routing is the original's test fixture: {@code {moz}/mozilla-central} goes to
 * partition 2 and the lowest mapped partition is 0 (ORIGINAL-BEHAVIOURS X2–X5).
 *
 * @see org.vcsreplicator.producer.ReplicationHooksTest the same decisions without hg and Kafka
 */
class ProducerHooksIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  static final WirePath MC = ProducerSandbox.MC;
  static final Pattern RECORDED_CHANGEGROUP =
      Pattern.compile("(?m)^remote: recorded changegroup in replication log in \\d+\\.\\d{3}s$");

  @TempDir Path tmp;
  ProducerSandbox sandbox;
  String topic;
  Path config;
  Path clientHgrc;

  @BeforeEach
  void startDaemon() throws Exception {
    // A short ack timeout, so that the unavailable-log tests are refused quickly.
    sandbox = new ProducerSandbox(kafka, tmp);
    topic = sandbox.topic;
    config = sandbox.config;
    clientHgrc = sandbox.clientHgrc;
  }

  @AfterEach
  void stopDaemon() throws InterruptedException {
    sandbox.close();
  }

  // ------------------------------------------------------------------ helpers

  Run hg(Path hgrc, Path cwd, String... args) throws Exception {
    return sandbox.hg(hgrc, cwd, args);
  }

  Run master(Path cwd, String... args) throws Exception {
    return sandbox.master(cwd, args);
  }

  Run client(Path repo, String... args) throws Exception {
    return sandbox.client(repo, args);
  }

  Path initMaster(String name) throws Exception {
    return sandbox.initMaster(name);
  }

  Path cloneOf(Path master) throws Exception {
    return sandbox.cloneOf(master);
  }

  String commit(Path client, String file, String content) throws Exception {
    return sandbox.commit(client, file, content);
  }

  String tip(Path repo) throws Exception {
    return sandbox.tip(repo);
  }

  Run push(Path client, Path master, String... extra) throws Exception {
    return sandbox.push(client, master, extra);
  }

  List<Event> events(int partition) {
    return sandbox.events(partition);
  }

  List<Event> eventsAfter(int skip) {
    return sandbox.eventsAfter(skip);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void initWritesHeartbeatToLowestPartitionThenInitToTheReposPartition() throws Exception {
    Run r = master(tmp, "init", sandbox.root.resolve("mozilla-central").toString());
    assertEquals(0, r.exit(), r.all());
    assertEquals("(recorded repository creation in replication log)\n", r.out());
    assertEquals(List.of(new Heartbeat()), events(0));
    assertEquals(List.of(new RepoInitV2(MC, true)), events(2));
    assertEquals(MC.value(), kafka.readAll(topic).get(1).keyString().orElseThrow());
    assertTrue(kafka.readAll(topic).get(1).message().created().isPresent());
  }

  @Test
  void pushWritesTwoHeartbeatsChangegroupAndHeads() throws Exception {
    Path master = initMaster("mozilla-central");
    Path client = cloneOf(master);
    String node = commit(client, "foo", "foo\n");

    Run r = push(client, master);

    assertEquals(0, r.exit(), r.all());
    assertTrue(RECORDED_CHANGEGROUP.matcher(r.all()).find(), r.all());
    assertEquals(List.of(new RepoInitV2(MC, true), new Heartbeat(), new Heartbeat(),
        new ChangegroupV2(MC, "serve", 1, NodeId.listOf(node)),
        new Heads(MC, NodeId.listOf(node), OptionalLong.empty())), events(2));
  }

  @Test
  void multiHeadPushListsNewHeadsInRevisionOrderAndServedHeadsNewestFirst() throws Exception {
    Path master = initMaster("mozilla-central");
    Path client = cloneOf(master);
    commit(client, "base", "base\n");
    assertEquals(0, push(client, master).exit());
    String first = commit(client, "a", "a\n");
    assertEquals(0, client(client, "update", "-q", "-r", "0").exit());
    String second = commit(client, "b", "b\n");
    int before = events(2).size();

    Run r = push(client, master, "-f");

    assertEquals(0, r.exit(), r.all());
    assertEquals(List.of(new Heartbeat(), new Heartbeat(),
        new ChangegroupV2(MC, "serve", 2, NodeId.listOf(first, second)),
        new Heads(MC, NodeId.listOf(second, first), OptionalLong.empty())), eventsAfter(before));
  }

  @Test
  void bookmarkOnlyPushWritesOnePushkeyAndNoHeads() throws Exception {
    Path master = initMaster("mozilla-central");
    Path client = cloneOf(master);
    String node = commit(client, "foo", "foo\n");
    assertEquals(0, push(client, master).exit());
    assertEquals(0, client(client, "bookmark", "-r", ".", "my-bookmark").exit());
    int before = events(2).size();

    Run r = push(client, master, "-B", "my-bookmark");

    assertEquals(1, r.exit(), r.all()); // hg push: "no changes found"
    assertTrue(Pattern.compile("(?m)^remote: recorded updates to bookmarks in replication log in \\d\\.\\d{3}s$")
        .matcher(r.all()).find(), r.all());
    assertEquals(List.of(new Heartbeat(), new Heartbeat(),
        new Pushkey(MC, "bookmarks", "my-bookmark", "", node, 0)), eventsAfter(before));
    assertEquals("my-bookmark " + node + "\n",
        master(master, "bookmarks", "-T", "{bookmark} {node}\\n").out());
  }

  @Test
  void bookmarkPushedWithChangesetsTravelsWithThePullNotAsPushkey() throws Exception {
    Path master = initMaster("mozilla-central");
    Path client = cloneOf(master);
    String node = commit(client, "foo", "foo\n");
    assertEquals(0, client(client, "bookmark", "-r", ".", "central").exit());

    Run r = push(client, master, "-B", "central");

    assertEquals(0, r.exit(), r.all());
    assertEquals(List.of(new Heartbeat(), new Heartbeat(), new ChangegroupV2(MC, "serve", 1, NodeId.listOf(node)),
        new Heads(MC, NodeId.listOf(node), OptionalLong.empty())), eventsAfter(1));
  }

  @Test
  void phaseOnlyPushWritesPhasePushkey() throws Exception {
    Path master = initMaster("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[phases]\npublish = false\n");
    Path client = cloneOf(master);
    String node = commit(client, "foo", "foo\n");
    assertEquals(0, push(client, master).exit());
    assertEquals("1\n", master(master, "log", "-r", "tip", "-T", "{phaseidx}\\n").out());
    assertEquals(0, client(client, "phase", "--public", "-r", ".").exit());
    int before = events(2).size();

    Run r = push(client, master);

    assertEquals(1, r.exit(), r.all());
    assertTrue(r.all().contains("remote: recorded updates to phases in replication log in "), r.all());
    assertEquals(List.of(new Heartbeat(), new Heartbeat(), new Pushkey(MC, "phases", node, "1", "0", 0)),
        eventsAfter(before));
    assertEquals("0\n", master(master, "log", "-r", "tip", "-T", "{phaseidx}\\n").out());
  }

  @Test
  void obsolescenceMarkerMadeOnTheMasterIsRecordedAsPushkey() throws Exception {
    Path master = initMaster("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[experimental]\nevolution = all\n[phases]\npublish = false\n");
    Path client = cloneOf(master);
    String base = commit(client, "foo", "foo\n");
    String pruned = commit(client, "bar", "bar\n");
    assertEquals(0, push(client, master).exit());
    int before = events(2).size();

    Run r = master(master, "debugobsolete", pruned);

    assertEquals(0, r.exit(), r.all());
    assertTrue(r.out().contains("recorded updates to obsolete in replication log in "), r.all());
    // hg's own pushkey listing of the master's markers: the same base85 value (one marker).
    String dump = master(master, "debugpushkey", master.toString(), "obsolete").out();
    assertTrue(dump.startsWith("dump0\t"), dump);
    String value = dump.substring("dump0\t".length()).strip();
    assertEquals(List.of(new Heartbeat(), new Heartbeat(), new Pushkey(MC, "obsolete", "dump0", "", value, 0),
        // The prune hid the tip: the served heads changed (X4).
        new Heads(MC, NodeId.listOf(base), OptionalLong.empty())), eventsAfter(before));
  }

  @Test
  void localCommitOnTheMasterIsRefused() throws Exception {
    Path master = initMaster("mozilla-central");
    Files.writeString(master.resolve("foo"), "foo\n");

    Run r = master(master, "commit", "-A", "-m", "local");

    assertEquals(255, r.exit(), r.all());
    assertEquals("adding foo\n", r.out());
    assertEquals("cannot commit to replicating repositories; push instead\n"
        + "abort: precommit.vcsreplicator hook failed\n", r.err());
    assertEquals(List.of(new RepoInitV2(MC, true)), events(2));
    assertEquals("", master(master, "log", "-T", "{node}").out());
  }

  @Test
  void repoUnderNoRewriteIsNotCreated() throws Exception {
    Path elsewhere = tmp.resolve("elsewhere/repo0");

    Run r = master(tmp, "init", elsewhere.toString());

    assertEquals(255, r.exit(), r.all());
    assertTrue(r.err().endsWith("abort: repository path not configured for replication\n"
        + "(add entry to [replicationpathrewrites])\n"), r.err());
    assertFalse(Files.exists(elsewhere));
    assertEquals(List.of(), kafka.readAll(topic));
  }

  @Test
  void pushIsRefusedAndRolledBackWhileTheLogIsUnavailableAndWorksOnceItIsBack() throws Exception {
    Path master = initMaster("mozilla-central");
    Path client = cloneOf(master);
    commit(client, "foo", "foo\n");
    assertEquals(0, push(client, master).exit());
    String masterTip = tip(master);
    String refused = commit(client, "bar", "bar\n");

    kafka.stopBroker();
    Run r = push(client, master);

    assertEquals(255, r.exit(), r.all());
    assertTrue(r.all().contains("remote: replication log not available; all writes disabled\n"
        + "remote: pretxnopen.vcsreplicator hook failed\n"), r.all());
    assertTrue(r.all().contains("abort: push failed on remote\n"), r.all());
    assertEquals(masterTip, tip(master), "master unchanged");

    kafka.restartBroker();
    Run again = push(client, master);
    assertEquals(0, again.exit(), again.all());
    assertEquals(refused, tip(master));
    List<Event> all = events(2);
    assertEquals(new ChangegroupV2(MC, "serve", 1, NodeId.listOf(refused)), all.get(all.size() - 2));
  }

  @Test
  void pushIsRefusedWhileTheDaemonIsDown() throws Exception {
    Path master = initMaster("mozilla-central");
    Path client = cloneOf(master);
    commit(client, "foo", "foo\n");
    stopDaemon();

    Run r = push(client, master);

    assertEquals(255, r.exit(), r.all());
    assertTrue(r.all().contains("remote: replication log not available; all writes disabled\n"
        + "remote: (vcsreplicator producer daemon unreachable: "), r.all());
    assertTrue(r.all().contains("remote: pretxnopen.vcsreplicator hook failed\n"), r.all());
    assertEquals("", tip(master).replace("0".repeat(40), ""), "master unchanged");
  }
}
