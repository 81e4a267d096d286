package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.WirePath;

/**
 * What one push writes and what the pusher reads (ORIGINAL-BEHAVIOURS X3, X5;
 * test-pushkey-obsolescence.t, test-ssh-pull.t): the events of a push in log order, and every
 * {@code remote:} line of the push transcript, with the real hg over its ssh protocol.
 */
class ProducerPushTranscriptIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  static final WirePath MC = ProducerSandbox.MC;
  static final String CHANGEGROUP_LINE = "recorded changegroup in replication log in \\d\\.\\d{3}s";

  @TempDir Path tmp;
  ProducerSandbox sandbox;
  Path master;
  Path client;

  @BeforeEach
  void start() throws Exception {
    sandbox = new ProducerSandbox(kafka, tmp);
    master = sandbox.initMaster("mozilla-central");
    Files.writeString(master.resolve(".hg/hgrc"), "[phases]\npublish = false\n[experimental]\nevolution = true\n");
    client = sandbox.cloneOf(master);
    Files.writeString(client.resolve(".hg/hgrc"), "[extensions]\nrebase =\n[experimental]\nevolution = true\n");
  }

  @AfterEach
  void stop() throws InterruptedException {
    sandbox.close();
  }

  static void assertLines(List<String> patterns, List<String> actual) {
    assertEquals(patterns.size(), actual.size(), "lines: " + actual);
    for (int i = 0; i < patterns.size(); i++) {
      assertTrue(actual.get(i).matches(patterns.get(i)), "line " + i + ": '" + actual.get(i) + "' !~ " + patterns.get(i));
    }
  }

  @Test
  void onePushTranscriptAndEvents() throws Exception {
    String node = sandbox.commit(client, "foo", "foo\n");

    Run r = sandbox.push(client, master);

    assertEquals(0, r.exit(), r.all());
    assertLines(List.of("adding changesets", "adding manifests", "adding file changes",
        "added 1 changesets with 1 changes to 1 files", CHANGEGROUP_LINE), ProducerSandbox.remoteLines(r));
    assertEquals(List.of(new Heartbeat(), new Heartbeat(), new ChangegroupV2(MC, "serve", 1, NodeId.listOf(node)),
        new Heads(MC, NodeId.listOf(node), OptionalLong.empty())), sandbox.eventsAfter(1));
  }

  /** The rebase push of test-ssh-pull.t: changegroup, then the obsolescence pushkey, then the heads. */
  @Test
  void rebasePushWritesChangegroupThenObsoleteMarkersThenHeads() throws Exception {
    sandbox.commit(client, "foo", "initial\n");
    assertEquals(0, sandbox.client(client, "phase", "--public", "-f", "-r", ".").exit());
    assertEquals(0, sandbox.push(client, master).exit());
    String file0 = sandbox.commit(client, "file0", "0\n");
    sandbox.commit(client, "file1", "1\n");
    assertEquals(0, sandbox.push(client, master).exit());
    assertEquals(0, sandbox.client(client, "update", "-q", "-r", file0).exit());
    String file2 = sandbox.commit(client, "file2", "2\n");
    Run rebase = sandbox.client(client, "rebase", "-s", "2", "-d", ".");
    assertEquals(0, rebase.exit(), rebase.all());
    String rebased = sandbox.tip(client);
    int before = sandbox.events(2).size();

    Run r = sandbox.push(client, master, "-f");

    assertEquals(0, r.exit(), r.all());
    assertLines(List.of("adding changesets", "adding manifests", "adding file changes",
        "added 2 changesets with 1 changes to 2 files \\(\\+1 heads\\)",
        "1 new obsolescence markers", "obsoleted 1 changesets",
        CHANGEGROUP_LINE, "recorded updates to obsolete in replication log in \\d\\.\\d{3}s"),
        ProducerSandbox.remoteLines(r));
    String dump = sandbox.master(master, "debugpushkey", master.toString(), "obsolete").out();
    assertTrue(dump.startsWith("dump0\t"), dump);
    assertEquals(List.of(new Heartbeat(), new Heartbeat(),
        // The new changesets that are heads, in revision order; file2 is the rebased one's parent.
        new ChangegroupV2(MC, "serve", 2, NodeId.listOf(rebased)),
        new Pushkey(MC, "obsolete", "dump0", "", dump.substring("dump0\t".length()).strip(), 0),
        // Served heads: the obsoleted head is hidden now.
        new Heads(MC, NodeId.listOf(rebased), OptionalLong.empty())), sandbox.eventsAfter(before));
    assertEquals(file2, sandbox.master(master, "log", "-r", "p1(tip)", "-T", "{node}").out());
  }

  @Test
  void pushRefusedAtTransactionOpenTellsThePusherBeforeAnyDataIsApplied() throws Exception {
    sandbox.commit(client, "foo", "foo\n");
    int before = sandbox.events(2).size();
    kafka.stopBroker();

    Run r = sandbox.push(client, master);

    assertEquals(255, r.exit(), r.all());
    assertEquals(List.of("replication log not available; all writes disabled",
        "pretxnopen.vcsreplicator hook failed"), ProducerSandbox.remoteLines(r));
    assertTrue(r.err().endsWith("abort: push failed on remote\n"), r.err());
    kafka.restartBroker();
    assertEquals(before, sandbox.events(2).size());
    assertEquals("", sandbox.master(master, "log", "-T", "{node}").out());
  }

  /**
   * X4: {@code hg-heads-1} carries the pushlog's last push id when the master has a pushlog (here
   * a stand-in extension with Mozilla's tables and {@code repo.pushlog.lastpushid()}); a
   * bookmark-only push changes no served heads and writes none.
   */
  @Test
  void headsCarryTheLastPushIdOfThePushlog() throws Exception {
    Path pushlog = Path.of(getClass().getResource("/hg/stand_in_pushlog.py").toURI());
    Files.writeString(master.resolve(".hg/hgrc"), "[extensions]\npushlog = " + pushlog + "\n", StandardOpenOption.APPEND);
    String first = sandbox.commit(client, "foo", "foo\n");
    assertEquals(0, sandbox.push(client, master).exit());
    String second = sandbox.commit(client, "bar", "bar\n");
    int before = sandbox.events(2).size();

    Run r = sandbox.push(client, master);

    assertEquals(0, r.exit(), r.all());
    assertEquals(List.of(new Heartbeat(), new Heartbeat(), new ChangegroupV2(MC, "serve", 1, NodeId.listOf(second)),
        new Heads(MC, NodeId.listOf(second), OptionalLong.of(2))), sandbox.eventsAfter(before));
    assertEquals(new Heads(MC, NodeId.listOf(first), OptionalLong.of(1)), sandbox.events(2).get(before - 1));

    assertEquals(0, sandbox.client(client, "bookmark", "-r", ".", "central").exit());
    int beforeBookmark = sandbox.events(2).size();
    assertEquals(1, sandbox.push(client, master, "-B", "central").exit());
    assertEquals(List.of(new Heartbeat(), new Heartbeat(), new Pushkey(MC, "bookmarks", "central", "", second, 0)),
        sandbox.eventsAfter(beforeBookmark));
  }
}
