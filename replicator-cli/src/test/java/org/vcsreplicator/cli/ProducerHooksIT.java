package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
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
import picocli.CommandLine;

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

  static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  static final Pattern RECORDED_CHANGEGROUP =
      Pattern.compile("(?m)^remote: recorded changegroup in replication log in \\d+\\.\\d{3}s$");

  @TempDir Path tmp;
  String topic;
  Path root;
  Path masterHgrc;
  Path clientHgrc;
  Path config;
  ProducerDaemonCommand daemon;
  Thread daemonThread;

  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  @BeforeEach
  void startDaemon() throws Exception {
    topic = kafka.createUniqueTopic("pushdata", 8);
    root = Files.createDirectories(tmp.resolve("repo/hg/mozilla"));
    Path socket = tmp.resolve("producer.sock");
    config = tmp.resolve("producer.ini");
    Files.writeString(config, String.join("\n",
        "[replicationproducer]",
        "hosts = " + kafka.bootstrapServers(),
        "clientid = producer-it",
        "topic = " + topic,
        "partitionmap.0try = 4:\\{moz\\}\\/try",
        "partitionmap.1user = 5,6,7:\\{moz\\}\\/users\\/.*",
        "partitionmap.2main = 0,1,2,3:.*",
        "reqacks = -1",
        // Short, so that the unavailable-log test is refused quickly.
        "acktimeout = 2000",
        "socket = " + socket,
        "",
        "[replicationpathrewrites]",
        root + "/ = {moz}/",
        ""));
    masterHgrc = tmp.resolve("master.hgrc");
    Files.writeString(masterHgrc, "[ui]\nusername = master <master@example.com>\n\n"
        + ProducerHgrcCommand.hgrc(socket.toString(), ProducerHgrcCommand.installedModule()));
    Path fakeSsh = tmp.resolve("fakessh");
    // hg runs `ssh HOST 'hg -R PATH serve --stdio'`: run the last argument here, as the master would.
    Files.writeString(fakeSsh, "#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\n"
        + "HGRCPATH='" + masterHgrc + "' exec sh -c \"$1\"\n");
    Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwxr-xr-x"));
    clientHgrc = tmp.resolve("client.hgrc");
    Files.writeString(clientHgrc, "[ui]\nusername = test <test@example.com>\nssh = " + fakeSsh + "\n");

    daemon = new ProducerDaemonCommand();
    CommandLine cli = new CommandLine(daemon);
    daemonThread = new Thread(() -> cli.execute(config.toString()), "producer-daemon-under-test");
    daemonThread.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (daemon.listening == null) {
      if (!daemonThread.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("producer daemon did not start listening");
      }
      Thread.onSpinWait();
    }
  }

  @AfterEach
  void stopDaemon() throws InterruptedException {
    daemon.stop.countDown();
    daemonThread.join(30_000);
  }

  // ------------------------------------------------------------------ helpers

  Run hg(Path hgrc, Path cwd, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("hg"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("HG"));
    env.put("HGRCPATH", hgrc.toString());
    env.put("LANG", "C");
    Path outFile = Files.createTempFile(tmp, "out", ".txt");
    Path errFile = Files.createTempFile(tmp, "err", ".txt");
    Process p = pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("hg " + String.join(" ", args) + " did not finish");
    }
    return new Run(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
  }

  Run master(Path cwd, String... args) throws Exception {
    return hg(masterHgrc, cwd, args);
  }

  Run client(Path repo, String... args) throws Exception {
    return hg(clientHgrc, repo, args);
  }

  /** {@code hg init} on the master (hooks on); asserts it succeeded. */
  Path initMaster(String name) throws Exception {
    Run r = master(tmp, "init", root.resolve(name).toString());
    assertEquals(0, r.exit(), r.all());
    return root.resolve(name);
  }

  Path cloneOf(Path master) throws Exception {
    Path clone = tmp.resolve("client-" + master.getFileName());
    Run r = hg(clientHgrc, tmp, "clone", "-q", master.toString(), clone.toString());
    assertEquals(0, r.exit(), r.all());
    return clone;
  }

  String commit(Path client, String file, String content) throws Exception {
    Files.writeString(client.resolve(file), content, StandardCharsets.UTF_8);
    Run r = client(client, "commit", "-q", "-A", "-m", "change " + file);
    assertEquals(0, r.exit(), r.all());
    return tip(client);
  }

  String tip(Path repo) throws Exception {
    return client(repo, "log", "-r", "tip", "-T", "{node}").out();
  }

  Run push(Path client, Path master, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("push", "ssh://localhost/" + master));
    args.addAll(List.of(extra));
    return client(client, args.toArray(String[]::new));
  }

  List<Event> events(int partition) {
    return kafka.readAll(topic).stream().filter(r -> r.partition() == partition)
        .map(r -> r.message().event()).toList();
  }

  /** Events on partition 2 written after the first {@code skip}. */
  List<Event> eventsAfter(int skip) {
    List<Event> all = events(2);
    return all.subList(skip, all.size());
  }

  // ------------------------------------------------------------------ tests

  @Test
  void initWritesHeartbeatToLowestPartitionThenInitToTheReposPartition() throws Exception {
    Run r = master(tmp, "init", root.resolve("mozilla-central").toString());
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

  // ------------------------------------------------------------------ operator commands

  Run cli(String... args) {
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new java.io.PrintWriter(out));
    cl.setErr(new java.io.PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void sendHeartbeatWritesOneHeartbeatIntoEveryMappedPartition() {
    Run r = cli("send-heartbeat", config.toString());

    assertEquals(0, r.exit(), r.all());
    StringBuilder expected = new StringBuilder();
    for (int p = 0; p < 8; p++) {
      expected.append("sending heartbeat to partition ").append(p).append('\n');
    }
    assertEquals(expected + "wrote heartbeat message into 8 partitions\n", r.out());
    for (int p = 0; p < 8; p++) {
      assertEquals(List.of(new Heartbeat()), events(p));
    }
  }

  @Test
  void sendHeartbeatAbortsWhenTheLogIsUnavailable() {
    kafka.stopBroker();

    Run r = cli("send-heartbeat", config.toString());

    assertEquals(255, r.exit(), r.all());
    assertEquals("sending heartbeat to partition 0\n", r.out());
    assertTrue(r.err().startsWith("abort: error sending heartbeat: "), r.err());
  }

  @Test
  void replicateHgrcSendsTheContentOrItsAbsence() throws Exception {
    Path master = initMaster("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[hooks]\ndummy = value\n\n");

    Run r = cli("replicate-hgrc", config.toString(), master.toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("recorded hgrc in replication log\n", r.out());
    Files.delete(master.resolve(".hg/hgrc"));
    assertEquals(0, cli("replicate-hgrc", config.toString(), master.resolve(".hg").toString()).exit());
    assertEquals(List.of(new RepoInitV2(MC, true),
        new org.vcsreplicator.message.HgrcUpdate(MC, java.util.Optional.of("[hooks]\ndummy = value\n\n")),
        new org.vcsreplicator.message.HgrcUpdate(MC, java.util.Optional.empty())), events(2));
  }

  @Test
  void replicateSyncSendsRequirementsHgrcAndHeads() throws Exception {
    Path master = initMaster("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[hooks]\nfoo = bar\n\n");
    List<String> requirements = master(master, "debugrequires").out().lines().sorted().toList();

    Run r = cli("replicate-sync", config.toString(), master.toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("wrote synchronization message into replication log\n"
        + "wrote heads synchronization message into replication log\n", r.out());
    assertEquals(List.of(new RepoInitV2(MC, true),
        new org.vcsreplicator.message.RepoSyncV2(MC, requirements, java.util.Optional.of("[hooks]\nfoo = bar\n\n"),
            List.of(NodeId.NULL), false),
        new Heads(MC, List.of(NodeId.NULL), OptionalLong.empty())), events(2));

    assertEquals(0, cli("replicate-sync", config.toString(), master.toString(), "--bootstrap").exit());
    Event last = events(2).get(events(2).size() - 1);
    assertEquals(new org.vcsreplicator.message.RepoSyncV2(MC, requirements,
        java.util.Optional.of("[hooks]\nfoo = bar\n\n"), List.of(NodeId.NULL), true), last);
  }

  @Test
  void replicateDeleteRecordsThenRemovesTheRepo() throws Exception {
    Path master = initMaster("mozilla-central");

    Run r = cli("replicate-delete", config.toString(), master.toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("wrote delete message into replication log\nrepo deleted from local host\n", r.out());
    assertFalse(Files.exists(master));
    assertFalse(Files.exists(master.resolveSibling("mozilla-central.todelete")));
    assertEquals(List.of(new RepoInitV2(MC, true), new org.vcsreplicator.message.RepoDelete(MC)), events(2));
  }

  @Test
  void operatorCommandOnAnUnmappedRepoAbortsWithTheHint() throws Exception {
    Path elsewhere = tmp.resolve("elsewhere");
    Files.createDirectories(elsewhere);
    assertEquals(0, hg(clientHgrc, tmp, "init", elsewhere.toString()).exit());

    Run r = cli("replicate-sync", config.toString(), elsewhere.toString());

    assertEquals(255, r.exit());
    assertEquals("abort: repository path not configured for replication\n"
        + "(add entry to [replicationpathrewrites])\n", r.err());
  }
}
