package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.ReplicationRules;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * The heads consumer's handler on a real filesystem (directories with a {@code .hg}, no hg
 * needed): what it writes, what it leaves alone, and how it classifies what it cannot do.
 *
 * @see HeadsConsumerIT for the same through a real broker and real repositories
 */
class HeadsApplierTest {
  private static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  private static final NodeId A = NodeId.of("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");
  private static final NodeId B = NodeId.of("4b11352745a6b3eb429ca8cd486dfdc221a4bc62");

  @TempDir Path tmp;
  private Path root;
  private LogCapture logs;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(tmp.toRealPath().resolve("repos"));
    logs = new LogCapture();
  }

  @AfterEach
  void tearDown() {
    logs.close();
  }

  private HeadsApplier applier(ReplicationRules rules) {
    return new HeadsApplier(new ConfiguredMirrorRoutes(rules,
        new PathRewrites(List.of(new PrefixRewrite("{moz}", root.toString()))), UrlRewrites.none()));
  }

  private HeadsApplier applier() {
    return applier(ReplicationRules.none());
  }

  private Path repo(String name) throws Exception {
    return Files.createDirectories(root.resolve(name).resolve(".hg")).getParent();
  }

  /** Every regular file below {@code dir}. */
  private static List<Path> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void writesHeadsAndLastPushIdForHgHeads1() throws Exception {
    Path repo = repo("mozilla-central");
    Outcome outcome = applier().apply(new Heads(MC, List.of(B, A), OptionalLong.of(2)));

    assertEquals(Outcome.applied(), outcome);
    assertEquals(Optional.of(ReplicatedData.of(List.of(B, A), 2)), ReplicatedDataFile.read(repo));
    assertEquals(List.of(
        "updating replicated data for " + repo,
        repo + "/.hg/replicated-data wrote with 2 heads successfully; last push id: 2"), logs.lines());
    assertEquals(List.of(ReplicatedDataFile.path(repo)), files(root), "no temporary file left behind");
  }

  @Test
  void writesNullLastPushIdForARepositoryWithoutPushlog() throws Exception {
    Path repo = repo("mozilla-central");
    assertEquals(Outcome.applied(), applier().apply(new Heads(MC, List.of(A), OptionalLong.empty())));
    assertEquals(Optional.of(new ReplicatedData(List.of(A), OptionalLong.empty())), ReplicatedDataFile.read(repo));
  }

  @Test
  void acknowledgesEveryOtherKindWithoutTouchingTheMirror() throws Exception {
    Path repo = repo("mozilla-central");
    HeadsApplier applier = applier();
    for (Event e : List.<Event>of(new Heartbeat(), new RepoInitV2(WirePath.of("{moz}/new"), true),
        new ChangegroupV2(MC, "serve", 1, List.of(A)), new HgrcUpdate(MC, Optional.of("[hooks]\n")),
        new RepoDelete(MC), new RepoInitV2(WirePath.of("{moz}/../escape"), true))) {
      assertEquals(Outcome.applied(), applier.apply(e), e.toString());
    }
    assertEquals(List.of(), files(tmp), "nothing written anywhere");
    assertTrue(Files.isDirectory(repo.resolve(".hg")));
    assertFalse(Files.exists(root.resolve("new")));
    assertEquals(List.of(), logs.lines());
  }

  @Test
  void filteredRepositoryIsAcknowledgedWithTheRuleName() throws Exception {
    Path repo = repo("users/foo");
    HeadsApplier applier = applier(new ReplicationRules(List.of(
        ReplicationRules.Rule.parse("exclude.users", "re:\\{moz\\}/users/.*"),
        ReplicationRules.Rule.parse("include.all", "re:\\{moz\\}/.*"))));

    assertEquals(Outcome.filtered("users"), applier.apply(new Heads(WirePath.of("{moz}/users/foo"), List.of(A), OptionalLong.of(1))));
    assertFalse(Files.exists(ReplicatedDataFile.path(repo)));
    assertEquals(List.of("repo {moz}/users/foo filtered by rule users"), logs.lines());
  }

  @Test
  void pathEscapingTheRootIsPermanentAndWritesNothing() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside/.hg")).getParent();
    Outcome outcome = applier().apply(new Heads(WirePath.of("{moz}/../outside"), List.of(A), OptionalLong.of(1)));

    assertInstanceOf(Outcome.PermanentFailure.class, outcome);
    assertTrue(((Outcome.PermanentFailure) outcome).reason().contains(".."), outcome.toString());
    assertEquals(List.of(), files(tmp), "nothing written, inside or outside the root");
    assertTrue(Files.isDirectory(outside.resolve(".hg")));
  }

  @Test
  void symlinkedHgDirectoryLeadingOutOfTheRootIsPermanent() throws Exception {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createSymbolicLink(Files.createDirectories(root.resolve("linked")).resolve(".hg"), elsewhere);

    Outcome outcome = applier().apply(new Heads(WirePath.of("{moz}/linked"), List.of(A), OptionalLong.of(1)));

    assertInstanceOf(Outcome.PermanentFailure.class, outcome);
    assertTrue(((Outcome.PermanentFailure) outcome).reason().contains("outside the root"), outcome.toString());
    assertEquals(List.of(), files(tmp));
  }

  @Test
  void repositoryMissingOnThisMirrorIsAcknowledgedWithAWarning() throws Exception {
    Outcome outcome = applier().apply(new Heads(WirePath.of("{moz}/deleted"), List.of(A), OptionalLong.of(7)));

    assertEquals(Outcome.applied(), outcome);
    assertEquals(List.of(), files(tmp));
    assertFalse(Files.exists(root.resolve("deleted")), "nothing created for it");
    assertEquals(List.of("repository " + root.resolve("deleted") + " does not exist on this mirror "
        + "(deleted, filtered or skipped since); not writing replicated data for hg-heads-1"), logs.lines());
  }

  @Test
  void missingRootIsAMisconfigurationNotADeletedRepository() throws Exception {
    Files.delete(root);
    Outcome outcome = applier().apply(new Heads(MC, List.of(A), OptionalLong.of(1)));

    assertInstanceOf(Outcome.PermanentFailure.class, outcome);
    assertTrue(((Outcome.PermanentFailure) outcome).reason().startsWith(
        "repository root " + root + " of {moz}/mozilla-central does not exist"), outcome.toString());
    assertFalse(Files.exists(root));
  }

  @Test
  void writeFailureIsTransientAndLeavesNoTemporaryFile() throws Exception {
    Path repo = repo("mozilla-central");
    // A non-empty directory where the file goes: the rename fails (permissions would not stop root).
    Path blocker = Files.createDirectories(ReplicatedDataFile.path(repo)).resolve("x");
    Files.writeString(blocker, "x");

    Outcome outcome = applier().apply(new Heads(MC, List.of(B), OptionalLong.of(2)));

    assertInstanceOf(Outcome.TransientFailure.class, outcome);
    assertTrue(((Outcome.TransientFailure) outcome).reason().startsWith(
        "cannot write " + ReplicatedDataFile.path(repo) + ": "), outcome.toString());
    assertEquals(List.of(blocker), files(root), "no temporary file left behind");
  }
}
