package org.vcsreplicator.hg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vcsreplicator.hg.HgFixtures.ok;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.obsolete.ObsMarker;
import org.vcsreplicator.obsolete.ObsMarkers;

/**
 * {@link RepoHash} on repositories made by the real hg: the values of the original's
 * test-mozrepohash.t (its first changeset is reproducible: same content, user, date and message
 * give node {@code af1e0a15…}), obsolescence markers read as hg reads them, and a pushlog database.
 */
class RepoHashIT {
  static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  static final String NULL_HEADS = "de47c9b27eb8d300dbb5f2c353e632c393262cf06340c4fa7f1b40c4cbd36f90";
  static final String INITIAL = "af1e0a150cd431eced63336021855fd2f59077f6";
  static final String[] EVOLUTION = {"--config", "experimental.evolution=true"};

  static Hg hg;
  @TempDir Path tmp;

  @BeforeAll
  static void openHg() {
    hg = new ProcessHg(HgFixtures.options().withPlainProcesses(true));
  }

  @AfterAll
  static void closeHg() {
    hg.close();
  }

  /** The interpreter hg runs on (its script's #! line): the one that can import mercurial. */
  static String hgPython() throws java.io.IOException {
    String first = Files.readAllLines(Path.of(HgFixtures.HG)).get(0);
    return first.substring(2).strip().split("\\s+")[0];
  }

  RepoHash hash(Path repo) throws Exception {
    return RepoHash.compute(hg, repo, PushlogReader.sqlite());
  }

  /** test-mozrepohash.t's repository: non-publishing, one changeset "initial" adding foo = "0\n". */
  Path mozrepohashRepo() throws Exception {
    Path repo = tmp.resolve("repo");
    ok(hg.run(null, "init", repo.toString()));
    Files.writeString(repo.resolve(".hg/hgrc"), "[phases]\npublish = False\n");
    return repo;
  }

  void commitInitial(Path repo) throws Exception {
    Files.writeString(repo.resolve("foo"), "0\n");
    ok(hg.run(repo, "commit", "-q", "-A", "-u", "Test User <someone@example.com>", "-d", "0 0", "-m", "initial"));
    assertEquals(INITIAL, ok(hg.run(repo, "log", "-r", "tip", "-T", "{node}")).stdout());
  }

  @Test
  void emptyRepoHasTheOriginalsValues() throws Exception {
    assertEquals(List.of(
        "visible revisions: 0",
        "total revisions: 0",
        "visible heads: 1",
        "total heads: 1",
        "normal repo hash: " + EMPTY,
        "unfiltered repo hash: " + EMPTY,
        "phases hash: " + EMPTY,
        "heads hash: " + NULL_HEADS,
        "unfiltered heads hash: " + NULL_HEADS,
        "pushlog hash: " + EMPTY), hash(mozrepohashRepo()).lines(true));
  }

  @Test
  void oneChangesetThenMadePublicHasTheOriginalsValues() throws Exception {
    Path repo = mozrepohashRepo();
    commitInitial(repo);

    RepoHash draft = hash(repo);
    assertEquals(List.of(
        "visible revisions: 1",
        "total revisions: 1",
        "visible heads: 1",
        "total heads: 1",
        "normal repo hash: b801d81d6ddf2baf154b4abd5bad0750785131ee13c54ee7b207b5e2cacb2e28",
        "unfiltered repo hash: b801d81d6ddf2baf154b4abd5bad0750785131ee13c54ee7b207b5e2cacb2e28",
        "phases hash: f82c49f1539afc1bf3b6fbddf9ade9d5ca944c99896fe05457ca0dd18e6d2aab",
        "heads hash: e5e0d912bf64df57c6ae45158322023f7a929afa10409041f457d7b90e971d4c",
        "unfiltered heads hash: e5e0d912bf64df57c6ae45158322023f7a929afa10409041f457d7b90e971d4c",
        "pushlog hash: " + EMPTY), draft.lines(true));

    ok(hg.run(repo, "phase", "--public", "-r", "."));
    RepoHash published = hash(repo);
    assertEquals("044fcd295ebc79531e739260bd24b905c73c87dcac271dd816e5eb244ccfe14b", published.phases());
    assertEquals("[\n"
        + " {\n"
        + "  \"heads\": \"e5e0d912bf64df57c6ae45158322023f7a929afa10409041f457d7b90e971d4c\",\n"
        + "  \"heads_total\": 1,\n"
        + "  \"heads_visible\": 1,\n"
        + "  \"normal\": \"b801d81d6ddf2baf154b4abd5bad0750785131ee13c54ee7b207b5e2cacb2e28\",\n"
        + "  \"phases\": \"044fcd295ebc79531e739260bd24b905c73c87dcac271dd816e5eb244ccfe14b\",\n"
        + "  \"pushlog\": \"" + EMPTY + "\",\n"
        + "  \"revisions_total\": 1,\n"
        + "  \"revisions_visible\": 1,\n"
        + "  \"unfiltered\": \"b801d81d6ddf2baf154b4abd5bad0750785131ee13c54ee7b207b5e2cacb2e28\",\n"
        + "  \"unfiltered_heads\": \"e5e0d912bf64df57c6ae45158322023f7a929afa10409041f457d7b90e971d4c\"\n"
        + " }\n"
        + "]\n", published.json(true));
  }

  @Test
  void obsoleteChangesetsCountOnlyUnfilteredAndMarkersHashInPythonsOrder() throws Exception {
    Path repo = mozrepohashRepo();
    commitInitial(repo);
    Files.writeString(repo.resolve("foo"), "1\n");
    ok(hg.run(repo, "commit", "-q", "-u", "test", "-d", "1 0", "-m", "second"));
    String second = ok(hg.run(repo, "log", "-r", "tip", "-T", "{node}")).stdout();
    Files.writeString(repo.resolve("foo"), "2\n");
    ok(hg.run(repo, "commit", "-q", "--amend", "-u", "test", "-d", "2 0", "-m", "second, amended", EVOLUTION[0], EVOLUTION[1]));
    ok(hg.run(repo, "debugobsolete", "-d", "5 -60", EVOLUTION[0], EVOLUTION[1], INITIAL.replace('a', 'b')));

    RepoHash h = hash(repo);
    assertEquals(2, h.revisionsVisible());
    assertEquals(3, h.revisionsTotal());
    assertEquals(1, h.headsVisible());
    assertEquals(2, h.headsTotal());
    assertNotEquals(h.normal(), h.unfiltered());
    assertNotEquals(h.heads(), h.unfilteredHeads());
    assertEquals(2, h.obsolete().orElseThrow().recordsCount());
    assertEquals(13, h.lines(true).size());
    assertEquals("obsolete records count: 2", h.lines(true).get(10));
    assertEquals(12, h.lines(false).size(), "--no-raw leaves out the obsstore hash");

    List<ObsMarker> markers = ObsMarkers.decode(Files.readAllBytes(repo.resolve(".hg/store/obsstore")));
    assertEquals(second, markers.get(0).precursor().hex());
    assertTrue(markers.get(1).isPrune());

    // The records hash once more, from hg's own marker reader and Python's own tuple order.
    Process p = new ProcessBuilder(hgPython(), "-c", String.join("\n",
        "import hashlib, sys",
        "from mercurial import obsolete",
        "data = open(sys.argv[1], 'rb').read()",
        "h = hashlib.sha256()",
        "for pre, sucs, flags, meta, date, parents in sorted(obsolete._readmarkers(data)[1]):",
        "    h.update(pre)",
        "    for s in sucs: h.update(s)",
        "    h.update(b'%d' % flags)",
        "    for k, v in meta: h.update(k); h.update(v)",
        "    h.update(b'%d' % date[0]); h.update(b'%d' % date[1])",
        "    for q in parents or []: h.update(q)",
        "print(h.hexdigest())"), repo.resolve(".hg/store/obsstore").toString()).start();
    String pythonHash = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
    assertEquals(0, p.waitFor(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(pythonHash, h.obsolete().orElseThrow().records());
  }

  @Test
  void pushlogDatabaseIsReadAndHashed() throws Exception {
    Path repo = mozrepohashRepo();
    commitInitial(repo);
    // Mozilla's pushlog tables, one push of the one changeset.
    Path db = repo.resolve(".hg/pushlog2.db");
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE TABLE changesets (pushid INTEGER, rev INTEGER, node text)");
      st.execute("CREATE TABLE pushlog (id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT, date INTEGER)");
      st.execute("INSERT INTO pushlog (user, date) VALUES ('someone@example.com', 1000)");
      st.execute("INSERT INTO changesets (pushid, rev, node) VALUES (1, 0, '" + INITIAL + "')");
    }

    List<PushlogReader.Push> pushes = PushlogReader.sqlite().pushes(repo);
    assertEquals(1, pushes.size());
    assertEquals(1, pushes.get(0).id());
    assertEquals(1000, pushes.get(0).when());
    assertArrayEquals("someone@example.com".getBytes(StandardCharsets.UTF_8), pushes.get(0).user());
    assertEquals(List.of(INITIAL), pushes.get(0).nodes());

    java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
    d.update(("11000someone@example.com" + INITIAL).getBytes(StandardCharsets.US_ASCII));
    assertEquals(HexFormat.of().formatHex(d.digest()), hash(repo).pushlog());
  }
}
