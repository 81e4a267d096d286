package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.cli.ProducerSandbox.Run;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;
import picocli.CommandLine;

/**
 * The master's operator commands ({@code hgrc-snippet}, {@code replicate-init}, {@code
 * replicate-hgrc}, {@code replicate-sync}, {@code replicate-delete}, {@code send-heartbeat}) run
 * in process against a real broker and real hg repositories, with the original's lines.
 */
class ProducerOperatorCommandsIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  static final WirePath MC = ProducerSandbox.MC;

  @TempDir Path tmp;
  ProducerSandbox sandbox;

  @BeforeEach
  void start() throws Exception {
    sandbox = new ProducerSandbox(kafka, tmp);
  }

  @AfterEach
  void stop() throws InterruptedException {
    sandbox.close();
  }

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
    Run r = cli("send-heartbeat", sandbox.config.toString());

    assertEquals(0, r.exit(), r.all());
    StringBuilder expected = new StringBuilder();
    for (int p = 0; p < 8; p++) {
      expected.append("sending heartbeat to partition ").append(p).append('\n');
    }
    assertEquals(expected + "wrote heartbeat message into 8 partitions\n", r.out());
    for (int p = 0; p < 8; p++) {
      assertEquals(List.of(new Heartbeat()), sandbox.events(p));
    }
  }

  @Test
  void sendHeartbeatAbortsWhenTheLogIsUnavailable() {
    kafka.stopBroker();

    Run r = cli("send-heartbeat", sandbox.config.toString());

    assertEquals(255, r.exit(), r.all());
    assertEquals("sending heartbeat to partition 0\n", r.out());
    assertTrue(r.err().startsWith("abort: error sending heartbeat: "), r.err());
  }

  @Test
  void replicateHgrcSendsTheContentOrItsAbsence() throws Exception {
    Path master = sandbox.initMaster("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[hooks]\ndummy = value\n\n");

    Run r = cli("replicate-hgrc", sandbox.config.toString(), master.toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("recorded hgrc in replication log\n", r.out());
    Files.delete(master.resolve(".hg/hgrc"));
    assertEquals(0, cli("replicate-hgrc", sandbox.config.toString(), master.resolve(".hg").toString()).exit());
    assertEquals(List.of(new RepoInitV2(MC, true),
        new HgrcUpdate(MC, Optional.of("[hooks]\ndummy = value\n\n")),
        new HgrcUpdate(MC, Optional.empty())), sandbox.events(2));
  }

  @Test
  void replicateSyncSendsRequirementsHgrcAndHeads() throws Exception {
    Path master = sandbox.initMaster("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[hooks]\nfoo = bar\n\n");
    List<String> requirements = sandbox.master(master, "debugrequires").out().lines().sorted().toList();

    Run r = cli("replicate-sync", sandbox.config.toString(), master.toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("wrote synchronization message into replication log\n"
        + "wrote heads synchronization message into replication log\n", r.out());
    assertEquals(List.of(new RepoInitV2(MC, true),
        new RepoSyncV2(MC, requirements, Optional.of("[hooks]\nfoo = bar\n\n"),
            List.of(NodeId.NULL), false),
        new Heads(MC, List.of(NodeId.NULL), OptionalLong.empty())), sandbox.events(2));

    assertEquals(0, cli("replicate-sync", sandbox.config.toString(), master.toString(), "--bootstrap").exit());
    Event last = sandbox.events(2).get(sandbox.events(2).size() - 1);
    assertEquals(new RepoSyncV2(MC, requirements,
        Optional.of("[hooks]\nfoo = bar\n\n"), List.of(NodeId.NULL), true), last);
  }

  @Test
  void replicateDeleteRecordsThenRemovesTheRepo() throws Exception {
    Path master = sandbox.initMaster("mozilla-central");

    Run r = cli("replicate-delete", sandbox.config.toString(), master.toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("wrote delete message into replication log\nrepo deleted from local host\n", r.out());
    assertFalse(Files.exists(master));
    assertFalse(Files.exists(master.resolveSibling("mozilla-central.todelete")));
    assertEquals(List.of(new RepoInitV2(MC, true), new RepoDelete(MC)), sandbox.events(2));
  }

  @Test
  void operatorCommandOnAnUnmappedRepoAbortsWithTheHint() throws Exception {
    Path elsewhere = tmp.resolve("elsewhere");
    Files.createDirectories(elsewhere);
    assertEquals(0, sandbox.hg(sandbox.clientHgrc, tmp, "init", elsewhere.toString()).exit());

    Run r = cli("replicate-sync", sandbox.config.toString(), elsewhere.toString());

    assertEquals(255, r.exit());
    assertEquals("abort: repository path not configured for replication\n"
        + "(add entry to [replicationpathrewrites])\n", r.err());
  }

  @Test
  void hgrcSnippetPrintsTheConfiguredSocketAndThisInstallationsHookModule() throws Exception {
    Run r = cli("hgrc-snippet", sandbox.config.toString());

    assertEquals(0, r.exit(), r.all());
    String module = HgrcSnippetCommand.installedModule().toAbsolutePath().normalize().toString();
    assertTrue(Files.isRegularFile(Path.of(module)), module);
    String extension = Path.of(module).resolveSibling("vcsreplicator_hgext.py").toString();
    assertTrue(r.out().startsWith("[extensions]\nvcsreplicator = " + extension + "\n\n[replication]\n"), r.out());
    assertTrue(r.out().contains("\n# unfiltereduser = vcsreplicator\n"), r.out());
    assertTrue(r.out().contains("\n[replicationproducer]\nsocket = " + sandbox.socket + "\n\n[hooks]\n"), r.out());
    assertTrue(r.out().contains("pretxnopen.vcsreplicator = python:" + module + ":pretxnopen\n"), r.out());
    // The old name is an alias of the same command.
    assertEquals(r.out(), cli("producer-hgrc", sandbox.config.toString()).out());
    Run withUser = cli("hgrc-snippet", sandbox.config.toString(), "--unfiltered-user", "vcsreplicator");
    assertEquals(r.out().replace("# unfiltereduser = vcsreplicator\n", "unfiltereduser = vcsreplicator\n"), withUser.out());
    // Every producer IT runs with a master hgrc made of this output: it works as printed.
    assertTrue(Files.readString(sandbox.masterHgrc).contains(withUser.out()));
  }

  @Test
  void hgrcSnippetRefusesAnInvalidConfig() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.ini"), "[replicationproducer]\nhosts = localhost:1\n");

    Run r = cli("hgrc-snippet", bad.toString());

    assertEquals(1, r.exit(), r.all());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("vcsreplicator: ") && r.err().contains("replicationproducer.clientid config option not set"),
        r.err());
  }

  @Test
  void replicateInitAnnouncesARepoCreatedWithoutTheHooks() throws Exception {
    Path repo = sandbox.root.resolve("mozilla-central");
    assertEquals(0, sandbox.hg(sandbox.clientHgrc, tmp, "init", repo.toString()).exit());
    assertEquals(List.of(), kafka.readAll(sandbox.topic), "no hooks, no events");

    Run r = cli("replicate-init", sandbox.config.toString(), repo.toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("(recorded repository creation in replication log)\n", r.out());
    assertEquals(List.of(new RepoInitV2(MC, true)), sandbox.events(2));
  }

  @Test
  void replicateInitOfARepoWithChangesetsPointsToReplicateSync() throws Exception {
    Path repo = sandbox.root.resolve("mozilla-central");
    assertEquals(0, sandbox.hg(sandbox.clientHgrc, tmp, "init", repo.toString()).exit());
    Files.writeString(repo.resolve("foo"), "foo\n");
    assertEquals(0, sandbox.hg(sandbox.clientHgrc, repo, "commit", "-q", "-A", "-m", "before replication").exit());

    Run r = cli("replicate-init", sandbox.config.toString(), repo.resolve(".hg").toString());

    assertEquals(0, r.exit(), r.all());
    assertEquals("(recorded repository creation in replication log)\n"
        + "(mirrors create it empty: run `vcsreplicator replicate-sync CONFIG " + repo
        + "` to send its hgrc and changesets)\n", r.out());
    assertEquals(List.of(new RepoInitV2(MC, true)), sandbox.events(2));
  }

  @Test
  void replicateInitAbortsWhenTheLogIsUnavailable() throws Exception {
    Path repo = sandbox.root.resolve("mozilla-central");
    assertEquals(0, sandbox.hg(sandbox.clientHgrc, tmp, "init", repo.toString()).exit());
    kafka.stopBroker();

    Run r = cli("replicate-init", sandbox.config.toString(), repo.toString());

    assertEquals(255, r.exit(), r.all());
    assertEquals("", r.out());
    assertTrue(r.err().startsWith("abort: replication log not available: "), r.err());
  }

  /** test-sync.t with a pushlog: the heads message carries its last push id (0 for an empty one). */
  @Test
  void replicateSyncTakesTheLastPushIdFromThePushlog() throws Exception {
    Path master = sandbox.initMaster("mozilla-central");
    Path pushlog = Path.of(getClass().getResource("/hg/stand_in_pushlog.py").toURI());
    Files.writeString(master.resolve(".hg/hgrc"), "[extensions]\npushlog = " + pushlog + "\n");
    Path client = sandbox.cloneOf(master);
    String node = sandbox.commit(client, "foo", "foo\n");
    assertEquals(0, sandbox.push(client, master).exit());

    Run r = cli("replicate-sync", sandbox.config.toString(), master.toString());

    assertEquals(0, r.exit(), r.all());
    List<Event> events = sandbox.events(2);
    assertEquals(new Heads(MC, List.of(NodeId.of(node)), OptionalLong.of(1)), events.get(events.size() - 1));
  }
}
