package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.cli.ProducerSandbox.Run;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.NodeId;

/**
 * The master's hg extension ({@code hghooks/vcsreplicator_hgext.py}, installed by {@code
 * hgrc-snippet}) with the real hg: the next push recovers an abandoned transaction
 * (test-autorecover-producer.t), and the replication user is served hidden changesets, so a mirror
 * several pushes behind still pulls heads obsoleted since (test-ssh-pull.t, the lagging mirror of
 * test-pushkey-obsolescence.t).
 */
class MasterExtensionIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  @TempDir Path tmp;
  ProducerSandbox sandbox;
  Path master;
  Path client;

  @BeforeEach
  void start() throws Exception {
    sandbox = new ProducerSandbox(kafka, tmp);
    master = sandbox.initMaster("mozilla-central");
    client = sandbox.cloneOf(master);
  }

  @AfterEach
  void stop() throws InterruptedException {
    sandbox.close();
  }

  @Test
  void nextPushRecoversAnAbandonedTransaction() throws Exception {
    String first = sandbox.commit(client, "foo", "foo\n");
    assertEquals(0, sandbox.push(client, master).exit());
    // What a push killed mid-transaction leaves behind.
    Path journal = Files.createFile(master.resolve(".hg/store/journal"));
    String second = sandbox.commit(client, "bar", "bar\n");
    int before = sandbox.events(2).size();

    Run r = sandbox.push(client, master);

    assertEquals(0, r.exit(), r.all());
    List<String> remote = ProducerSandbox.remoteLines(r);
    assertEquals(List.of("abandoned transaction found; running recover", "rolling back interrupted transaction",
        "adding changesets"), remote.subList(0, 3), r.all());
    assertTrue(remote.get(remote.size() - 1).matches("recorded changegroup in replication log in \\d\\.\\d{3}s"), r.all());
    assertFalse(Files.exists(journal));
    assertEquals("1:" + second + "\n0:" + first + "\n", sandbox.master(master, "log", "-T", "{rev}:{node}\\n").out());
    assertEquals(List.of(new Heartbeat(), new Heartbeat(), new ChangegroupV2(ProducerSandbox.MC, "serve", 1,
        NodeId.listOf(second)), new Heads(ProducerSandbox.MC, NodeId.listOf(second), OptionalLong.empty())),
        sandbox.eventsAfter(before));
  }

  /**
   * test-ssh-pull.t: push 1 changeset, push 2 more, rebase the last onto a new one and push. The
   * rebased-away changeset is hidden on the master.
   *
   * @return the hidden changeset
   */
  String pushThenRebaseAway() throws Exception {
    Files.writeString(master.resolve(".hg/hgrc"), "[phases]\npublish = false\n[experimental]\nevolution = true\n");
    Files.writeString(client.resolve(".hg/hgrc"), "[extensions]\nrebase =\n[experimental]\nevolution = true\n");
    sandbox.commit(client, "foo", "initial\n");
    assertEquals(0, sandbox.client(client, "phase", "--public", "-f", "-r", ".").exit());
    assertEquals(0, sandbox.push(client, master).exit());
    String file0 = sandbox.commit(client, "file0", "0\n");
    String file1 = sandbox.commit(client, "file1", "1\n");
    assertEquals(0, sandbox.push(client, master).exit());
    assertEquals(0, sandbox.client(client, "update", "-q", "-r", file0).exit());
    sandbox.commit(client, "file2", "2\n");
    assertEquals(0, sandbox.client(client, "rebase", "-s", file1, "-d", ".").exit());
    assertEquals(0, sandbox.push(client, master, "-f").exit());
    assertEquals("", sandbox.master(master, "log", "-r", file1, "-T", "{node}").out(), "hidden on the master");
    return file1;
  }

  @Test
  void onlyTheReplicationUserIsServedHiddenChangesets() throws Exception {
    String hidden = pushThenRebaseAway();
    Path mirror = tmp.resolve("plain-mirror");
    assertEquals(0, sandbox.hg(sandbox.clientHgrc, tmp, "init", mirror.toString()).exit());

    Run asUser = sandbox.client(mirror, "pull", "-r", hidden, "ssh://localhost/" + master);
    assertEquals(255, asUser.exit(), asUser.all());
    assertTrue(asUser.err().contains("abort: filtered revision '" + hidden + "'"), asUser.err());

    Run asReplication = sandbox.client(mirror, "pull", "-r", hidden,
        "ssh://" + ProducerSandbox.REPLICATION_USER + "@localhost/" + master);
    assertEquals(0, asReplication.exit(), asReplication.all());
    assertEquals(hidden, sandbox.client(mirror, "log", "--hidden", "-r", hidden, "-T", "{node}").out());

    // A push by the replication user still sees the served view: nothing here is special for writes.
    Run clone = sandbox.client(tmp, "clone", "-q", "ssh://" + ProducerSandbox.REPLICATION_USER + "@localhost/" + master,
        tmp.resolve("replication-clone").toString());
    assertEquals(0, clone.exit(), clone.all());
  }

  @Test
  void laggingMirrorCatchesUpThroughHeadsObsoletedSince() throws Exception {
    MirrorSandbox mirror = new MirrorSandbox(kafka, sandbox, "hgweb0", ProducerSandbox.REPLICATION_USER);
    mirror.catchUp();
    assertTrue(Files.isDirectory(mirror.repo("mozilla-central").resolve(".hg")));

    pushThenRebaseAway();
    mirror.catchUp();

    Path copy = mirror.repo("mozilla-central");
    String graph = "{rev}:{node}:{phase}\\n";
    assertEquals(sandbox.master(master, "log", "--hidden", "-T", graph).out(),
        sandbox.hg(mirror.hgrc, copy, "log", "--hidden", "-T", graph).out());
    assertEquals(sandbox.master(master, "log", "-T", graph).out(), sandbox.hg(mirror.hgrc, copy, "log", "-T", graph).out());
    String markers = "{precnode} {succnodes}\\n";
    assertEquals(sandbox.master(master, "debugobsolete", "-T", markers).out(),
        sandbox.hg(mirror.hgrc, copy, "debugobsolete", "-T", markers).out());
  }
}
