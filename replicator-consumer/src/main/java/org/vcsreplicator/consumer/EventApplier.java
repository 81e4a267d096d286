package org.vcsreplicator.consumer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.fs.FileTrees;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFailure;
import org.vcsreplicator.hg.HgFailureClassifier;
import org.vcsreplicator.hg.HgFailureKind;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.EventKind;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV1;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;

/**
 * Applies one replication event to this mirror's repositories (SPEC §3, "mirror consumer does"):
 * the only step of the consumer with side effects. It knows nothing of Kafka: it gets an event
 * and answers an {@link Outcome}; the consume loop decides about retries and commits.
 *
 * <p>Invariants:
 * <ol>
 *   <li>Filtering by {@code [replicationrules]} comes first; a filtered event is applied by doing
 *       nothing (one log line naming the rule).
 *   <li>SPEC rule 6: no file is created, written or deleted, and no hg command runs on a
 *       repository, before {@link MirrorRoutes#locate} accepted the path.
 *   <li>Every kind is idempotent: applying an event twice leaves the mirror as applying it once
 *       (redelivery after a crash is normal).
 *   <li>hg failures are classified in one place ({@link #hgFailed}); an abandoned transaction is
 *       repaired with {@code hg recover} and the event applied once more.
 * </ol>
 *
 * <p>Log lines match the Python original's (ORIGINAL-BEHAVIOURS X6, X7): every hg command whose
 * output matters is logged as a transcript ({@code   $ hg …}, {@code   > …}, {@code   [0]}).
 *
 * <p>Not thread-safe for two events of the same repository at once (hg's lock would serialise
 * them anyway); different repositories may be applied in parallel if the {@link Hg} allows.
 */
public final class EventApplier implements EventHandler {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLog.NAME);

  /** Lets mirror pulls pass the master's tree bookmarks through firefoxtree (X7). */
  static final String FIREFOXTREE_REPLICATION = "--config=firefoxtree.replication=true";

  private final Hg hg;
  private final MirrorRoutes routes;
  private final Settings settings;
  private final RequirementSupport requirements;

  /**
   * What the applier needs from {@code [consumer]}.
   *
   * @param backup {@code backup = true}: this mirror keeps deleted repositories
   * @param todeletePath where deleted repositories are moved before removal ({@code
   *     todelete_path}, default {@code /repo/hg/todelete})
   * @param pullExtension the consumer's hg extension (see {@link ConsumerExtension}); empty to
   *     pull without it
   */
  public record Settings(boolean backup, Path todeletePath, Optional<Path> pullExtension) {
    public static final Path DEFAULT_TODELETE_PATH = Path.of("/repo/hg/todelete");

    public Settings {
      Objects.requireNonNull(todeletePath, "todeletePath");
      Objects.requireNonNull(pullExtension, "pullExtension");
    }
  }

  /**
   * @param hg runs Mercurial; not closed by this class
   * @param routes filter rules and path mapping of this mirror
   * @param settings backup flag, todelete path, pull extension
   */
  public EventApplier(Hg hg, MirrorRoutes routes, Settings settings) {
    this.hg = Objects.requireNonNull(hg, "hg");
    this.routes = Objects.requireNonNull(routes, "routes");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.requirements = new RequirementSupport(hg);
  }

  /**
   * Applies one event.
   *
   * @param event never null
   * @return never null; {@link Outcome.Applied} when the mirror now reflects the event, {@link
   *     Outcome.Filtered} when a rule says it is not for this mirror
   */
  @Override
  public Outcome apply(Event event) {
    Optional<WirePath> repo = event.repo();
    if (repo.isEmpty()) {
      return Outcome.applied(); // heartbeat-1: proves the log is writable, nothing to do
    }
    Optional<String> rule = routes.filteredBy(repo.get());
    if (rule.isPresent()) {
      log.info("repo {} filtered by rule {}", repo.get(), rule.get());
      return Outcome.filtered(rule.get());
    }
    if (isNoOp(event)) {
      return Outcome.applied();
    }
    return attempt(repo.get(), where -> applyTo(event, where));
  }

  /**
   * Applies a bootstrap sync ({@code hg-repo-sync-2} with {@code bootstrap: true}, which {@link
   * #apply} ignores) the way the bootstrap of a new mirror needs it: a missing repository is first
   * stream-cloned from its {@code [pull_url_rewrites]} URL ({@code hg clone --stream --noupdate}),
   * falling back to {@code hg init} when the clone fails; then, as for any sync, the hgrc is
   * written and the heads pulled. A repository this call created is removed again when the sync
   * fails, so the mirror holds either a complete copy or nothing.
   *
   * @param sync never null; its {@code bootstrap} flag is not checked
   * @return never null; {@link Outcome.Applied} when the repository now holds the sync's heads
   */
  public Outcome applyBootstrapSync(RepoSyncV2 sync) {
    Objects.requireNonNull(sync, "sync");
    Optional<String> rule = routes.filteredBy(sync.path());
    if (rule.isPresent()) {
      log.info("repo {} filtered by rule {}", sync.path(), rule.get());
      return Outcome.applied();
    }
    Path[] created = new Path[1];
    Outcome outcome = attempt(sync.path(), where -> {
      if (!Files.exists(where.repo(), LinkOption.NOFOLLOW_LINKS)) {
        created[0] = where.repo();
      }
      sync(where, sync.requirements(), sync.hgrc(), sync.heads(), true);
    });
    if (!outcome.isApplied() && created[0] != null) {
      try {
        FileTrees.deleteTree(created[0]);
        log.info("removed incomplete repository {}", created[0]);
      } catch (IOException e) {
        log.warn("cannot remove incomplete repository {}: {}", created[0], e.toString());
      }
    }
    return outcome;
  }

  /** One step of applying, on a repository already located. */
  @FunctionalInterface
  private interface Step {
    void run(RepoLocation where) throws ApplyException, HgUnavailableException, IOException;
  }

  /** Locates the repository, runs {@code step} (again after an {@code hg recover}) and classifies. */
  private Outcome attempt(WirePath repo, Step step) {
    RepoLocation where;
    try {
      where = routes.locate(repo);
    } catch (RepoLocationException e) {
      return Outcome.permanentFailure(e.getMessage());
    }
    try {
      try {
        step.run(where);
      } catch (ApplyException.HgCommandFailed e) {
        if (e.failure().kind() != HgFailureKind.ABANDONED_TRANSACTION) {
          throw e;
        }
        recover(where, e);
        step.run(where);
      }
      return Outcome.applied();
    } catch (ApplyException e) {
      return e.toOutcome();
    } catch (HgUnavailableException e) {
      return Outcome.transientFailure("hg could not run: " + e.getMessage());
    } catch (IOException e) {
      return Outcome.transientFailure("I/O error on " + where.repo() + ": " + e);
    }
  }

  /** Kinds the main consumer acknowledges without touching the mirror. */
  private static boolean isNoOp(Event event) {
    // hg-heads-1 belongs to the heads consumer; a bootstrap sync to the bootstrap tool.
    return event.kind() == EventKind.HEADS || (event instanceof RepoSyncV2 s && s.bootstrap());
  }

  private void applyTo(Event event, RepoLocation where)
      throws ApplyException, HgUnavailableException, IOException {
    switch (event.kind()) {
      case REPO_INIT_V1 -> init(where, Optional.empty());
      case REPO_INIT_V2 -> init(where, Optional.of(((RepoInitV2) event).generaldelta()));
      case HGRC_UPDATE -> {
        requireRepo(where, event);
        writeHgrc(where.repo(), ((HgrcUpdate) event).content());
      }
      case CHANGEGROUP_V1 -> {
        ChangegroupV1 e = (ChangegroupV1) event;
        changegroup(where, e.heads(), e.nodes().size(), event);
      }
      case CHANGEGROUP_V2 -> {
        ChangegroupV2 e = (ChangegroupV2) event;
        changegroup(where, e.heads(), e.nodecount(), event);
      }
      case PUSHKEY -> pushkey(where, (Pushkey) event);
      case REPO_SYNC_V1 -> {
        RepoSyncV1 e = (RepoSyncV1) event;
        sync(where, e.requirements(), e.hgrc(), e.heads(), false);
      }
      case REPO_SYNC_V2 -> {
        RepoSyncV2 e = (RepoSyncV2) event;
        sync(where, e.requirements(), e.hgrc(), e.heads(), false);
      }
      case REPO_DELETE -> delete(where, (RepoDelete) event);
      default -> throw new IllegalStateException("no action defined for " + event.kind());
    }
  }

  // ------------------------------------------------------------------------------------ init

  private void init(RepoLocation where, Optional<Boolean> generaldelta)
      throws ApplyException, HgUnavailableException {
    Path repo = where.repo();
    if (Files.exists(repo.resolve(".hg"), LinkOption.NOFOLLOW_LINKS)) {
      log.info("repository already exists: {}", repo);
      return;
    }
    List<String> args = new ArrayList<>(List.of("init"));
    // hg 6.3 ignores format.generaldelta for the requirement; format.usegeneraldelta decides it.
    if (generaldelta.isPresent() && !generaldelta.get()) {
      args.add("--config=format.usegeneraldelta=false");
    }
    createRepo(repo, args);
  }

  private void createRepo(Path repo, List<String> initArgs) throws ApplyException, HgUnavailableException {
    List<String> args = new ArrayList<>(initArgs);
    args.add("--");
    args.add(repo.toString());
    HgResult result = hg.run(null, args);
    if (!result.succeeded()) {
      logTranscript(result);
      throw hgFailed(result);
    }
    log.info("created Mercurial repository: {}", repo);
  }

  // ------------------------------------------------------------------------------------ hgrc

  private void writeHgrc(Path repo, Optional<String> content) throws IOException {
    Path hgrc = repo.resolve(".hg").resolve("hgrc");
    if (content.isEmpty()) {
      if (Files.exists(hgrc, LinkOption.NOFOLLOW_LINKS)) {
        log.info("deleting hgrc from {}", repo);
        Files.delete(hgrc);
      }
      return;
    }
    log.info("writing hgrc: {}", hgrc);
    // Readers (hgweb, hg itself) must never see half a file: write beside it, then rename.
    Path tmp = hgrc.resolveSibling("hgrc.vcsreplicator-tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(content.get().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    Files.move(tmp, hgrc, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  // ----------------------------------------------------------------------------- changegroup

  private void changegroup(RepoLocation where, List<NodeId> heads, int nodeCount, Event event)
      throws ApplyException, HgUnavailableException {
    requireRepo(where, event);
    Path repo = where.repo();
    int oldTip = tipRev(repo);
    log.info("pulling {} heads ({}) and {} nodes from {} into {}", heads.size(),
        String.join(", ", heads.stream().map(NodeId::hex).toList()), nodeCount, where.pullSource(), repo);
    HgResult result = pull(where, heads);
    if (!result.succeeded()) {
      throw hgFailed(result);
    }
    int pulled = tipRev(repo) - oldTip;
    // Counting by tip is approximate (hidden changesets are pulled too); the original only warns.
    if (pulled != nodeCount) {
      log.warn("mismatch between expected and actual changeset count: expected {}, got {}", nodeCount, pulled);
    }
    log.info("pulled {} changesets into {}", pulled, repo);
  }

  private HgResult pull(RepoLocation where, List<NodeId> heads) throws HgUnavailableException {
    List<String> shown = new ArrayList<>();
    shown.add("pull");
    for (NodeId head : heads) {
      shown.add("-r" + head.hex());
    }
    shown.add(FIREFOXTREE_REPLICATION);
    shown.add("--");
    shown.add(where.pullSource());
    List<String> args = new ArrayList<>();
    settings.pullExtension().ifPresent(ext -> args.add("--config=extensions.vcsreplicatorconsumer=" + ext));
    args.addAll(shown);
    HgResult result = hg.run(where.repo(), args);
    // The transcript shows the command as the original logged it, without our extension option.
    HgResult display = new HgResult(shown, result.exitCode(), result.stdout(), result.stderr(), result.output());
    logTranscript(display);
    return display;
  }

  private int tipRev(Path repo) throws ApplyException, HgUnavailableException {
    HgResult result = hg.run(repo, "log", "-r", "tip", "-T", "{rev}");
    if (!result.succeeded()) {
      logTranscript(result);
      throw hgFailed(result);
    }
    try {
      return Integer.parseInt(result.stdout().strip());
    } catch (NumberFormatException e) {
      throw ApplyException.transientFailure("cannot read the tip revision of " + repo + ": '" + result.stdout().strip() + "'");
    }
  }

  // --------------------------------------------------------------------------------- pushkey

  private void pushkey(RepoLocation where, Pushkey e) throws ApplyException, HgUnavailableException {
    requireRepo(where, e);
    Path repo = where.repo();
    log.info("executing pushkey on {} for {}[{}]", repo, e.namespace(), e.key());
    HgResult result = hg.run(null,
        List.of("debugpushkey", "--", repo.toString(), e.namespace(), e.key(), e.oldValue(), e.newValue()));
    logTranscript(result);
    // debugpushkey exits 0 when the key was set; getting the same non-zero result the master got
    // is the same outcome, so it counts as applied.
    if (result.succeeded() || result.exitCode() == e.ret()) {
      return;
    }
    if (result.exitCode() == 1 && settleOvertakenBookmark(repo, e)) {
      return;
    }
    if (result.exitCode() == 1) {
      throw ApplyException.permanent("hg debugpushkey refused " + e.namespace() + "[" + e.key() + "] on " + repo
          + " (exit 1, printed '" + result.output().strip() + "'; the master's result was " + e.ret() + ")");
    }
    throw hgFailed(result);
  }

  /**
   * Settles a bookmark pushkey that hg refused because the mirror's bookmark is at neither the
   * event's old value nor its new one; true when it is settled (applied), false when the refusal
   * stands. A pull brings the master's bookmarks as they are at pull time (verbatim) for every
   * bookmark the master still has, so a mirror that was behind may hold:
   * <ul>
   *   <li>a value the master gave the bookmark after this event: a move is then already
   *       overtaken, and later events of the log bring the master's final value, so applying it
   *       would only move the bookmark backwards;
   *   <li>a stale value of a bookmark the master had deleted at pull time (a pull never deletes):
   *       only the log's deletion removes it, so a deletion is applied whatever the value is.
   * </ul>
   * Either way replaying the log gives the master's state (SPEC 2.3). A refusal while the bookmark
   * is still at the event's old value is a real failure.
   */
  private boolean settleOvertakenBookmark(Path repo, Pushkey e) throws ApplyException, HgUnavailableException {
    if (!e.namespace().equals(Pushkey.BOOKMARKS) || e.ret() != 0) {
      return false;
    }
    HgResult listing = hg.run(null, List.of("debugpushkey", "--", repo.toString(), Pushkey.BOOKMARKS));
    if (!listing.succeeded()) {
      logTranscript(listing);
      throw hgFailed(listing);
    }
    String current = "";
    for (String line : listing.stdout().split("\n")) {
      int tab = line.indexOf('\t');
      if (tab > 0 && line.substring(0, tab).equals(e.key())) {
        current = line.substring(tab + 1).strip();
      }
    }
    if (current.equals(e.oldValue())) {
      return false;
    }
    if (!e.newValue().isEmpty()) {
      log.warn("bookmark {} of {} is at '{}' on this mirror, neither the event's old value '{}' nor its new "
          + "value: a later pull already brought the master's newer value; nothing to do",
          e.key(), repo, current, e.oldValue());
      return true;
    }
    log.warn("bookmark {} of {} is at '{}' on this mirror, not at the event's old value '{}': deleting it as "
        + "the master did (a pull never deletes a bookmark)", e.key(), repo, current, e.oldValue());
    HgResult delete = hg.run(null, List.of("debugpushkey", "--", repo.toString(), Pushkey.BOOKMARKS, e.key(), current, ""));
    logTranscript(delete);
    if (!delete.succeeded()) {
      throw hgFailed(delete);
    }
    return true;
  }

  // ------------------------------------------------------------------------------------ sync

  /**
   * @param streamClone create a missing repository by stream clone first (the bootstrap of a new
   *     mirror), else by {@code hg init}
   */
  private void sync(RepoLocation where, List<String> masterRequirements, Optional<String> hgrc, List<NodeId> heads,
      boolean streamClone) throws ApplyException, HgUnavailableException, IOException {
    Path repo = where.repo();
    List<String> unsupported = requirements.unsupported(masterRequirements);
    if (!unsupported.isEmpty()) {
      throw ApplyException.permanent("repository " + repo + " uses requirement(s) this mirror's hg ("
          + hg.executable() + ") does not support: " + String.join(", ", unsupported));
    }
    if (!Files.exists(repo.resolve(".hg"), LinkOption.NOFOLLOW_LINKS)) {
      // Deliberately unlike the original, which left a missing repo to the bootstrap tool
      // (ORIGINAL-BEHAVIOURS, "deliberately differs" (3)).
      log.info("repository does not exist: {}", repo);
      if (!(streamClone && streamClone(where))) {
        createRepo(repo, RequirementSupport.initArguments(masterRequirements));
      }
    }
    warnOnRequirementDifferences(repo, masterRequirements);
    writeHgrc(repo, hgrc);
    int oldTip = tipRev(repo);
    log.info("pulling {} heads into {}", heads.size(), repo);
    HgResult result = pull(where, heads);
    // Exit 1 from pull only means "an update had unresolved files"; the data is in.
    if (result.exitCode() != 0 && result.exitCode() != 1) {
      throw hgFailed(result);
    }
    log.info("pulled {} changesets into {}", tipRev(repo) - oldTip, repo);
  }

  /**
   * {@code hg clone --stream --noupdate URL PATH}: copies the master's store files as they are,
   * much faster than a pull for big repositories. The clone's {@code .hg/hgrc} (its {@code default}
   * path) is replaced by the master's hgrc right after.
   *
   * @return false when there is no pull URL or the clone failed (the caller inits and pulls,
   *     which also reports a master-side problem in words of its own)
   */
  private boolean streamClone(RepoLocation where) throws HgUnavailableException, IOException {
    if (where.pullUrl().isEmpty()) {
      log.warn("no [pull_url_rewrites] entry for {}; cannot stream clone, using pull instead", where.repo());
      return false;
    }
    String url = where.pullUrl().get();
    Path repo = where.repo();
    log.info("performing stream clone of {} to {}", url, repo);
    Files.createDirectories(repo.getParent());
    HgResult result = hg.run(null, List.of("clone", "--stream", "--noupdate", "--", url, repo.toString()));
    if (!result.succeeded()) {
      logTranscript(result);
      log.warn("stream clone of {} failed - using pull instead", url);
      return false;
    }
    log.info("{} cloned to {} successfully", url, repo);
    return true;
  }

  private void warnOnRequirementDifferences(Path repo, List<String> masterRequirements)
      throws ApplyException, HgUnavailableException {
    if (masterRequirements.isEmpty()) {
      return;
    }
    HgResult result = hg.run(repo, "debugrequires");
    if (!result.succeeded()) {
      logTranscript(result);
      throw hgFailed(result);
    }
    TreeSet<String> missing = new TreeSet<>(masterRequirements);
    result.stdout().lines().map(String::strip).forEach(missing::remove);
    if (!missing.isEmpty()) {
      log.warn("repository {} lacks requirement(s) the master's copy has: {}; pulls may fail",
          repo, String.join(", ", missing));
    }
  }

  // ---------------------------------------------------------------------------------- delete

  private void delete(RepoLocation where, RepoDelete e) throws IOException, ApplyException {
    Path repo = where.repo();
    if (settings.backup()) {
      log.info("node is a backup; ignoring delete for {}", repo);
      return;
    }
    if (!Files.exists(repo, LinkOption.NOFOLLOW_LINKS)) {
      log.info("delete message received for path that does not exist: {}", repo);
      return;
    }
    Path destination;
    try {
      destination = routes.locateUnder(settings.todeletePath(), e.path());
    } catch (RepoLocationException rejected) {
      throw ApplyException.permanent(rejected.getMessage());
    }
    log.debug("deleting repo at {}", repo);
    log.debug("moving {} to {}", repo, destination);
    Files.createDirectories(destination.getParent());
    // A leftover of an earlier, interrupted delete of the same repository.
    FileTrees.deleteTree(destination);
    Path toRemove = destination;
    try {
      // Moving first makes the repository vanish from the served tree at once.
      Files.move(repo, destination, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException crossDevice) {
      log.info("cannot move {} to {} atomically ({}); deleting it in place", repo, destination, crossDevice.getMessage());
      toRemove = repo;
    }
    log.debug("deleting repo at {}", toRemove);
    FileTrees.deleteTree(toRemove);
    log.info("repository at {} deleted", repo);
  }

  // ------------------------------------------------------------------------------- recovery

  private void recover(RepoLocation where, ApplyException.HgCommandFailed original)
      throws ApplyException, HgUnavailableException {
    log.warn("attempting to autorecover from abandoned transaction");
    HgResult result = hg.run(where.repo(), "recover");
    logTranscript(result);
    if (!result.succeeded()) {
      log.warn("`hg recover` failed to automatically resolve the problem");
      throw ApplyException.permanent(original.getMessage() + "; `hg recover` failed too: "
          + HgFailureClassifier.classify(result).message());
    }
  }

  // --------------------------------------------------------------------------------- helpers

  private static void requireRepo(RepoLocation where, Event event) throws ApplyException {
    if (!Files.isDirectory(where.repo().resolve(".hg"), LinkOption.NOFOLLOW_LINKS)) {
      throw ApplyException.permanent("repository " + where.repo() + " does not exist on this mirror; cannot apply "
          + event.kind() + " (was its hg-repo-init skipped, filtered, or the repo deleted?)");
    }
  }

  /**
   * The one place that turns a failed hg command into a failure kind. Lock contention and an
   * unreachable master are transient; so is an unrecognised failure, which is retried before it
   * stops the partition (as the original retried every hg error). A missing repository, a
   * missing revision and an unsupported requirement are permanent: waiting cannot fix them.
   */
  private static ApplyException.HgCommandFailed hgFailed(HgResult result) {
    HgFailure failure = HgFailureClassifier.classify(result);
    String command = result.args().isEmpty() ? "hg" : "hg " + result.args().get(0);
    String message;
    boolean isTransient;
    switch (failure.kind()) {
      case LOCK_HELD, REMOTE_UNREACHABLE, OTHER -> isTransient = true;
      default -> isTransient = false;
    }
    if (failure.kind() == HgFailureKind.UNSUPPORTED_REQUIREMENT) {
      message = command + " failed: unsupported repository requirement(s) "
          + String.join(", ", failure.requirements()) + ": " + failure.message();
    } else {
      message = command + " exited " + result.exitCode() + ": " + failure.message();
    }
    return new ApplyException.HgCommandFailed(message, isTransient, result, failure);
  }

  private void logTranscript(HgResult result) {
    for (String line : result.transcriptLines(hg.executable())) {
      log.info("{}", line);
    }
  }
}
