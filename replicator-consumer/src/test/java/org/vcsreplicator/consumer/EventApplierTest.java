package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;

/**
 * Outcome classification of the applier with a scripted hg: which failures are transient, which
 * permanent, when {@code hg recover} runs, and that routing decisions come before any hg call.
 *
 * @see MirrorConsumerIT the same kinds against the real hg
 */
class EventApplierTest {
  private static final WirePath REPO = WirePath.of("{moz}/x");
  private static final NodeId NODE = NodeId.of("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");

  @TempDir Path root;
  private FakeHg hg;
  private Optional<String> filteredBy = Optional.empty();
  private RepoLocationException rejection;
  private EventApplier applier;

  /** Records every call; answers from a script (exit code, stdout, stderr), {@code log} with tip 0. */
  private static final class FakeHg implements Hg {
    final List<List<String>> calls = new ArrayList<>();
    final Deque<Object> script = new ArrayDeque<>();
    /** When set, a successful {@code init} or {@code clone} creates {@code DEST/.hg} as hg would. */
    boolean createsRepos;

    FakeHg answer(int exit, String stdout, String stderr) {
      script.add(new String[] {Integer.toString(exit), stdout, stderr});
      return this;
    }

    FakeHg unavailable() {
      script.add(new HgUnavailableException("hg command server failed twice"));
      return this;
    }

    @Override
    public String executable() {
      return "hg";
    }

    @Override
    public HgResult run(Path repo, List<String> args, Map<String, String> extraEnv) throws HgUnavailableException {
      calls.add(args);
      if (args.get(0).equals("log")) {
        return new HgResult(args, 0, "0", "");
      }
      Object next = script.poll();
      if (next == null) {
        return new HgResult(args, 0, "", "");
      }
      if (next instanceof HgUnavailableException e) {
        throw e;
      }
      String[] a = (String[]) next;
      int exit = Integer.parseInt(a[0]);
      if (createsRepos && exit == 0 && (args.get(0).equals("init") || args.get(0).equals("clone"))) {
        try {
          Files.createDirectories(Path.of(args.get(args.size() - 1)).resolve(".hg"));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return new HgResult(args, exit, a[1], a[2]);
    }

    List<String> commands() {
      return calls.stream().map(c -> c.get(0)).toList();
    }
  }

  @BeforeEach
  void setUp() {
    hg = new FakeHg();
    MirrorRoutes routes = new MirrorRoutes() {
      @Override
      public Optional<String> filteredBy(WirePath repo) {
        return filteredBy;
      }

      @Override
      public RepoLocation locate(WirePath repo) throws RepoLocationException {
        if (rejection != null) {
          throw rejection;
        }
        return new RepoLocation(root, root.resolve("x"), Optional.of("ssh://hgssh/x"));
      }

      @Override
      public Path locateUnder(Path otherRoot, WirePath repo) {
        return otherRoot.resolve("x");
      }
    };
    applier = new EventApplier(hg, routes, new EventApplier.Settings(false, root.resolve("todelete"), Optional.empty()));
  }

  private void mirrorRepoExists() throws Exception {
    Files.createDirectories(root.resolve("x/.hg"));
  }

  private Outcome changegroup() {
    return applier.apply(new ChangegroupV2(REPO, "serve", 1, List.of(NODE)));
  }

  @Test
  void noOpKindsNeverRunHg() {
    assertTrue(applier.apply(new Heartbeat()).isApplied());
    assertTrue(applier.apply(new Heads(REPO, List.of(NODE), OptionalLong.of(1))).isApplied());
    assertTrue(applier.apply(new RepoSyncV2(REPO, List.of(), Optional.empty(), List.of(NODE), true)).isApplied());
    assertEquals(List.of(), hg.calls);
  }

  @Test
  void filteredRepoIsAppliedWithoutTouchingAnything() {
    filteredBy = Optional.of("users");
    Outcome outcome = applier.apply(new RepoInitV2(REPO, true));
    assertEquals(Outcome.filtered("users"), outcome);
    assertTrue(outcome.isApplied(), "a filtered event is acknowledged");
    assertEquals(List.of(), hg.calls);
  }

  @Test
  void rejectedPathIsPermanentBeforeAnyHgCall() {
    rejection = new RepoLocationException("wire path {moz}/../x escapes root");
    assertEquals(new Outcome.PermanentFailure("wire path {moz}/../x escapes root"), applier.apply(new RepoInitV2(REPO, true)));
    assertEquals(List.of(), hg.calls);
  }

  @Test
  void changegroupForAMissingRepoIsPermanent() {
    Outcome outcome = changegroup();
    assertInstanceOf(Outcome.PermanentFailure.class, outcome);
    assertTrue(((Outcome.PermanentFailure) outcome).reason().contains("does not exist on this mirror"), outcome.toString());
    assertEquals(List.of(), hg.calls);
  }

  @Test
  void lockHeldAndUnreachableMasterAreTransient() throws Exception {
    mirrorRepoExists();
    hg.answer(255, "", "abort: timed out waiting for lock held by 'hgweb1:1234'\n");
    assertEquals(new Outcome.TransientFailure("hg pull exited 255: abort: timed out waiting for lock held by 'hgweb1:1234'"),
        changegroup());
    hg.answer(255, "", "remote: ssh: connect to host hgssh port 22: Connection refused\n"
        + "abort: no suitable response from remote hg\n");
    assertEquals(new Outcome.TransientFailure("hg pull exited 255: abort: no suitable response from remote hg"),
        changegroup());
  }

  @Test
  void masterRepoMissingOrUnknownRevisionArePermanent() throws Exception {
    mirrorRepoExists();
    hg.answer(255, "", "remote: abort: repository /repo/hg/mozilla/x not found\n");
    assertInstanceOf(Outcome.PermanentFailure.class, changegroup());
    hg.answer(255, "pulling from ssh://hgssh/x\n", "abort: unknown revision '" + NODE.hex() + "'\n");
    assertInstanceOf(Outcome.PermanentFailure.class, changegroup());
  }

  @Test
  void unrecognisedHgFailureIsRetriedFirst() throws Exception {
    mirrorRepoExists();
    hg.answer(255, "", "transaction abort!\nrollback completed\nabort: unknown version (29298) in revlog 00manifest\n");
    assertEquals(new Outcome.TransientFailure("hg pull exited 255: abort: unknown version (29298) in revlog 00manifest"),
        changegroup());
  }

  @Test
  void abandonedTransactionIsRecoveredThenTheEventAppliedAgain() throws Exception {
    mirrorRepoExists();
    hg.answer(255, "pulling from ssh://hgssh/x\n",
        "abort: abandoned transaction found\n(run 'hg recover' to clean up transaction)\n");
    hg.answer(0, "rolling back interrupted transaction\n", "");
    hg.answer(0, "added 1 changesets\n", "");
    assertTrue(changegroup().isApplied());
    assertEquals(List.of("log", "pull", "recover", "log", "pull", "log"), hg.commands());
  }

  @Test
  void failedRecoverIsPermanent() throws Exception {
    mirrorRepoExists();
    hg.answer(255, "", "abort: abandoned transaction found\n(run 'hg recover' to clean up transaction)\n");
    hg.answer(255, "", "abort: journal is corrupt\n");
    Outcome outcome = changegroup();
    assertInstanceOf(Outcome.PermanentFailure.class, outcome);
    assertTrue(((Outcome.PermanentFailure) outcome).reason().endsWith("`hg recover` failed too: abort: journal is corrupt"),
        outcome.toString());
  }

  @Test
  void hgThatCannotRunIsTransient() throws Exception {
    mirrorRepoExists();
    hg.unavailable();
    assertEquals(new Outcome.TransientFailure("hg could not run: hg command server failed twice"), changegroup());
  }

  @Test
  void pushkeyResultEqualToTheMastersIsSuccess() throws Exception {
    mirrorRepoExists();
    hg.answer(1, "False\n", "");
    assertTrue(applier.apply(new Pushkey(REPO, "bookmarks", "b", "", NODE.hex(), 1)).isApplied());
    hg.answer(1, "False\n", "");
    Outcome refused = applier.apply(new Pushkey(REPO, "bookmarks", "b", "", NODE.hex(), 0));
    assertInstanceOf(Outcome.PermanentFailure.class, refused);
    assertTrue(((Outcome.PermanentFailure) refused).reason().startsWith("hg debugpushkey refused bookmarks[b]"), refused.toString());
    assertEquals(List.of("debugpushkey", "--", root.resolve("x").toString(), "bookmarks", "b", "", NODE.hex()),
        hg.calls.get(0));
  }

  @Test
  void refusedBookmarkPushkeyIsAppliedWhenALaterPullMovedTheBookmarkOn() throws Exception {
    mirrorRepoExists();
    String later = "b".repeat(40);
    hg.answer(1, "False\n", "").answer(0, "other\t" + NODE.hex() + "\nb\t" + later + "\n", "");
    assertTrue(applier.apply(new Pushkey(REPO, "bookmarks", "b", "", NODE.hex(), 0)).isApplied());
    assertEquals(List.of("debugpushkey", "--", root.resolve("x").toString(), "bookmarks"), hg.calls.get(1));
  }

  @Test
  void refusedBookmarkPushkeyStaysAFailureWhileTheBookmarkIsAtItsOldValue() throws Exception {
    mirrorRepoExists();
    hg.answer(1, "False\n", "").answer(0, "b\t" + NODE.hex() + "\n", "");
    Outcome refused = applier.apply(new Pushkey(REPO, "bookmarks", "b", NODE.hex(), "c".repeat(40), 0));
    assertInstanceOf(Outcome.PermanentFailure.class, refused);
  }

  @Test
  void refusedBookmarkDeletionDeletesTheStaleBookmarkAPullLeftBehind() throws Exception {
    mirrorRepoExists();
    String stale = "d".repeat(40);
    hg.answer(1, "False\n", "").answer(0, "b\t" + stale + "\n", "").answer(0, "True\n", "");
    assertTrue(applier.apply(new Pushkey(REPO, "bookmarks", "b", NODE.hex(), "", 0)).isApplied());
    assertEquals(List.of("debugpushkey", "--", root.resolve("x").toString(), "bookmarks", "b", stale, ""),
        hg.calls.get(2));
  }

  @Test
  void refusedPhasePushkeyIsNeverExplainedAway() throws Exception {
    mirrorRepoExists();
    hg.answer(1, "False\n", "");
    assertInstanceOf(Outcome.PermanentFailure.class, applier.apply(new Pushkey(REPO, "phases", NODE.hex(), "1", "0", 0)));
    assertEquals(1, hg.calls.size());
  }

  @Test
  void initOfAnExistingRepoIsANoOp() throws Exception {
    mirrorRepoExists();
    assertTrue(applier.apply(new RepoInitV2(REPO, false)).isApplied());
    assertEquals(List.of(), hg.calls);
  }

  @Test
  void initHonoursGeneraldeltaFalse() {
    assertTrue(applier.apply(new RepoInitV2(REPO, false)).isApplied());
    assertEquals(List.of("init", "--config=format.usegeneraldelta=false", "--", root.resolve("x").toString()),
        hg.calls.get(0));
  }

  // ---------------------------------------------------------------- bootstrap sync (new mirror)

  private RepoSyncV2 bootstrapSync() {
    return new RepoSyncV2(REPO, List.of(), Optional.of("[web]\ndescription = x\n"), List.of(NODE), true);
  }

  @Test
  void bootstrapSyncStreamClonesAMissingRepositoryThenWritesTheMastersHgrcAndPullsItsHeads() throws Exception {
    hg.createsRepos = true;
    hg.answer(0, "", "").answer(0, "no changes found\n", "");

    assertTrue(applier.applyBootstrapSync(bootstrapSync()).isApplied());

    assertEquals(List.of("clone", "log", "pull", "log"), hg.commands());
    assertEquals(List.of("clone", "--stream", "--noupdate", "--", "ssh://hgssh/x", root.resolve("x").toString()),
        hg.calls.get(0));
    assertEquals("[web]\ndescription = x\n", Files.readString(root.resolve("x/.hg/hgrc")));
  }

  @Test
  void bootstrapSyncFallsBackToInitAndPullWhenTheStreamCloneFails() throws Exception {
    hg.createsRepos = true;
    hg.answer(255, "", "abort: stream clone refused\n").answer(0, "", "").answer(0, "", "");

    assertTrue(applier.applyBootstrapSync(bootstrapSync()).isApplied());

    assertEquals(List.of("clone", "init", "log", "pull", "log"), hg.commands());
    assertTrue(Files.isRegularFile(root.resolve("x/.hg/hgrc")));
  }

  @Test
  void bootstrapSyncRemovesTheRepositoryItCreatedWhenThePullFails() throws Exception {
    hg.createsRepos = true;
    hg.answer(255, "", "abort: repository ssh://hgssh/x not found\n").answer(0, "", "")
        .answer(255, "", "remote: requested repo x does not exist\nabort: no suitable response from remote hg\n");

    Outcome outcome = applier.applyBootstrapSync(bootstrapSync());

    assertTrue(!outcome.isApplied(), outcome.toString());
    assertTrue(Files.notExists(root.resolve("x")), "incomplete repository left behind");
  }

  @Test
  void bootstrapSyncNeverRemovesADirectoryThatExistedBefore() throws Exception {
    hg.createsRepos = true;
    Files.createDirectories(root.resolve("x"));
    Files.writeString(root.resolve("x/keep.txt"), "operator's\n");
    hg.answer(255, "", "abort: destination 'x' is not empty\n").answer(0, "", "")
        .answer(255, "", "abort: repository not found\n");

    assertTrue(!applier.applyBootstrapSync(bootstrapSync()).isApplied());

    assertEquals("operator's\n", Files.readString(root.resolve("x/keep.txt")));
  }

  @Test
  void bootstrapSyncOfAFilteredRepositoryDoesNothing() {
    filteredBy = Optional.of("testrule");

    assertTrue(applier.applyBootstrapSync(bootstrapSync()).isApplied());

    assertEquals(List.of(), hg.calls);
  }
}
