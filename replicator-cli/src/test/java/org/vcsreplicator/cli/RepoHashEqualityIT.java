package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.cli.ProducerSandbox.Run;
import org.vcsreplicator.kafka.EmbeddedKafka;

/**
 * {@code repo-hash} proves a mirror equal to its master, end to end: the master's hooks and
 * producer daemon, a real broker, the real mirror consumer pulling over ssh, and the real hg on
 * both sides. First test-mozrepohash.t step by step, with its exact values; then a forced
 * bookmark, a phase-only push and an obsoleting rebase applied by a mirror that lags behind.
 */
class RepoHashEqualityIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  @TempDir Path tmp;
  ProducerSandbox sandbox;
  MirrorSandbox mirror;
  Path master;
  Path client;

  @BeforeEach
  void start() throws Exception {
    sandbox = new ProducerSandbox(kafka, tmp);
    master = sandbox.initMaster("repo");
    Files.writeString(master.resolve(".hg/hgrc"), "[phases]\npublish = False\n[experimental]\nevolution = true\n");
    assertEquals(0, CommandRun.run("replicate-hgrc", sandbox.config.toString(), master.toString()).exitCode());
    mirror = new MirrorSandbox(kafka, sandbox, "hgweb0", ProducerSandbox.REPLICATION_USER);
    mirror.catchUp();
    client = sandbox.cloneOf(master);
    Files.writeString(client.resolve(".hg/hgrc"), "[extensions]\nrebase =\n[experimental]\nevolution = true\n");
  }

  @AfterEach
  void stop() throws InterruptedException {
    sandbox.close();
  }

  static String repoHash(Path repo, String... extra) {
    String[] args = new String[extra.length + 2];
    args[0] = "repo-hash";
    args[1] = repo.toString();
    System.arraycopy(extra, 0, args, 2, extra.length);
    CommandRun r = CommandRun.run(args);
    assertEquals(0, r.exitCode(), r.toString());
    return r.out();
  }

  /** Catches the mirror up and asserts both fingerprints equal; returns the master's. */
  String assertMirrorEqualsMaster(String... extra) {
    mirror.catchUp();
    String onMaster = repoHash(master, extra);
    assertEquals(onMaster, repoHash(mirror.repo("repo"), extra));
    return onMaster;
  }

  @Test
  void mozrepohashScenario() throws Exception {
    assertEquals(String.join("\n",
        "visible revisions: 0",
        "total revisions: 0",
        "visible heads: 1",
        "total heads: 1",
        "normal repo hash: " + EMPTY,
        "unfiltered repo hash: " + EMPTY,
        "phases hash: " + EMPTY,
        "heads hash: de47c9b27eb8d300dbb5f2c353e632c393262cf06340c4fa7f1b40c4cbd36f90",
        "unfiltered heads hash: de47c9b27eb8d300dbb5f2c353e632c393262cf06340c4fa7f1b40c4cbd36f90",
        "pushlog hash: " + EMPTY, ""), assertMirrorEqualsMaster());

    // The original's first changeset, reproduced exactly (same content, user, date, message).
    Files.writeString(client.resolve("foo"), "0\n");
    assertEquals(0, sandbox.client(client, "commit", "-q", "-A", "-u", "Test User <someone@example.com>", "-d", "0 0",
        "-m", "initial").exit());
    assertEquals("af1e0a150cd431eced63336021855fd2f59077f6", sandbox.tip(client));
    assertEquals(0, sandbox.push(client, master).exit());
    String one = assertMirrorEqualsMaster();
    assertTrue(one.contains("\nnormal repo hash: b801d81d6ddf2baf154b4abd5bad0750785131ee13c54ee7b207b5e2cacb2e28\n"
        + "unfiltered repo hash: b801d81d6ddf2baf154b4abd5bad0750785131ee13c54ee7b207b5e2cacb2e28\n"
        + "phases hash: f82c49f1539afc1bf3b6fbddf9ade9d5ca944c99896fe05457ca0dd18e6d2aab\n"
        + "heads hash: e5e0d912bf64df57c6ae45158322023f7a929afa10409041f457d7b90e971d4c\n"), one);

    // Changing the phase changes the hash.
    assertEquals(0, sandbox.client(client, "phase", "--public", "-r", ".").exit());
    Run phase = sandbox.push(client, master);
    assertEquals(1, phase.exit(), phase.all());
    assertTrue(phase.all().contains("remote: recorded updates to phases in replication log in "), phase.all());
    String published = assertMirrorEqualsMaster();
    assertTrue(published.contains("\nphases hash: 044fcd295ebc79531e739260bd24b905c73c87dcac271dd816e5eb244ccfe14b\n"),
        published);

    // A bookmark: replicated, and (as in the original) not part of the fingerprint.
    assertEquals(0, sandbox.client(client, "bookmark", "mymark").exit());
    Run bookmark = sandbox.push(client, master, "-B", "mymark");
    assertEquals(1, bookmark.exit(), bookmark.all());
    assertEquals(published, assertMirrorEqualsMaster());
    assertEquals("mymark\n", sandbox.hg(mirror.hgrc, mirror.repo("repo"), "bookmarks", "-T", "{bookmark}\\n").out());

    String json = assertMirrorEqualsMaster("-T", "json");
    assertTrue(json.startsWith("[\n {\n  \"heads\": \"e5e0d912bf64df57c6ae45158322023f7a929afa10409041f457d7b90e971d4c\",\n"
        + "  \"heads_total\": 1,\n"), json);
    assertTrue(json.endsWith("  \"unfiltered_heads\": \"e5e0d912bf64df57c6ae45158322023f7a929afa10409041f457d7b90e971d4c\"\n"
        + " }\n]\n"), json);
  }

  @Test
  void laggingMirrorEqualsMasterAfterForcedBookmarkPhaseOnlyPushAndObsoletingRebase() throws Exception {
    String base = sandbox.commit(client, "base", "base\n");
    assertEquals(0, sandbox.client(client, "bookmark", "-r", base, "central").exit());
    assertEquals(0, sandbox.push(client, master, "-B", "central").exit());
    assertMirrorEqualsMaster();

    // The mirror lags from here on. A second head, the bookmark forced onto it.
    String a = sandbox.commit(client, "a", "a\n");
    String b = sandbox.commit(client, "b", "b\n");
    assertEquals(0, sandbox.push(client, master).exit());
    assertEquals(0, sandbox.client(client, "update", "-q", "-r", base).exit());
    String other = sandbox.commit(client, "other", "other\n");
    assertEquals(0, sandbox.push(client, master, "-f").exit());
    assertEquals(0, sandbox.client(client, "bookmark", "-f", "-r", other, "central").exit());
    assertEquals(1, sandbox.push(client, master, "-B", "central").exit());
    // A phase-only push.
    assertEquals(0, sandbox.client(client, "phase", "--public", "-r", a).exit());
    assertEquals(1, sandbox.push(client, master).exit());
    // Rebase the draft head b onto the other head: b is hidden on the master.
    assertEquals(0, sandbox.client(client, "rebase", "-r", b, "-d", other).exit());
    assertEquals(0, sandbox.push(client, master, "-f").exit());
    assertEquals("", sandbox.master(master, "log", "-r", b, "-T", "{node}").out(), "b is hidden on the master");

    String fingerprint = assertMirrorEqualsMaster();
    assertTrue(fingerprint.contains("\nobsolete records count: 1\n"), fingerprint);
    assertEquals(List.of("central " + other), sandbox.hg(mirror.hgrc, mirror.repo("repo"), "bookmarks", "-T",
        "{bookmark} {node}\\n").out().lines().toList());
  }
}
