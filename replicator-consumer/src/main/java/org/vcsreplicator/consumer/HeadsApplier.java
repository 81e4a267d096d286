package org.vcsreplicator.consumer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.WirePath;

/**
 * The heads consumer's handler (SPEC §6 "Heads consumer"): for {@code hg-heads-1}, writes the
 * event's heads and {@code last_push_id} to the mirror repository's {@code .hg/replicated-data}
 * through {@link ReplicatedDataFile} (atomic, mtime always forward), which hgweb's {@code
 * replicatedserved} view reads; every other kind is acknowledged without action, as the
 * original's heads consumer did. It runs in the same {@link MirrorConsumer} loop as the mirror
 * consumer, reading the pending aggregate topic ({@code replicatedpushdatapending}), which holds
 * only events every mirror has applied.
 *
 * <p>Invariants:
 * <ol>
 *   <li>Filtering by {@code [replicationrules]} comes first, for every kind with a repository,
 *       with the mirror consumer's log line ({@code repo X filtered by rule R}).
 *   <li>SPEC rule 6: nothing is written before {@link MirrorRoutes#locate} accepted the path, and
 *       never through a {@code .hg} that leads out of the root; a rejected path is permanent.
 *   <li>Heads that are not 40 hex characters never get here: the codec refuses the record
 *       (a permanent error, as in the original).
 *   <li>A repository missing on this mirror, under a root that exists, is acknowledged with a
 *       WARN line and nothing is written. The pending topic only carries events this mirror's
 *       consumer already acknowledged, so a missing repository was deleted since (a later {@code
 *       hg-repo-delete-1}), filtered, or skipped by an operator: there is nothing to serve, and
 *       since every {@code hg-heads-1} carries the repository's complete served heads, the next one
 *       restores the file if the repository comes back. Stopping instead (the original retried,
 *       then exited, and was redelivered the same event forever) would freeze the served heads of
 *       <em>every</em> repository on this mirror, because the topic has a single partition.
 *   <li>A missing root, by contrast, is a misconfiguration or an unmounted volume, not a deleted
 *       repository: a permanent failure, so the heads consumer never acknowledges everything.
 *   <li>An I/O error while writing is transient (retried by the loop); the previous file stays.
 * </ol>
 *
 * <p>Thread-safe (stateless apart from its immutable routes); the loop applies one event at a time.
 */
public final class HeadsApplier implements EventHandler {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLog.NAME);

  private final MirrorRoutes routes;

  /**
   * @param routes filter rules and path mapping of this mirror (the heads consumer's
   *     configuration file, which carries the same {@code [path_rewrites]} and rules as the
   *     mirror consumer's)
   */
  public HeadsApplier(MirrorRoutes routes) {
    this.routes = Objects.requireNonNull(routes, "routes");
  }

  /**
   * Applies one event.
   *
   * @param event never null
   * @return never null; {@link Outcome.Applied} when the file is written or nothing was to be done,
   *     {@link Outcome.Filtered} when a rule says the repository is not for this mirror
   */
  @Override
  public Outcome apply(Event event) {
    Optional<WirePath> repo = event.repo();
    if (repo.isEmpty()) {
      return Outcome.applied(); // heartbeat-1
    }
    Optional<String> rule = routes.filteredBy(repo.get());
    if (rule.isPresent()) {
      log.info("repo {} filtered by rule {}", repo.get(), rule.get());
      return Outcome.filtered(rule.get());
    }
    if (!(event instanceof Heads heads)) {
      return Outcome.applied(); // the mirror consumer applies every other kind
    }
    RepoLocation where;
    try {
      where = routes.locate(repo.get());
    } catch (RepoLocationException e) {
      return Outcome.permanentFailure(e.getMessage());
    }
    return write(heads, where);
  }

  private Outcome write(Heads heads, RepoLocation where) {
    Path root = where.root();
    Path repo = where.repo();
    Path hgDir = repo.resolve(".hg");
    try {
      if (!Files.isDirectory(root)) {
        return Outcome.permanentFailure("repository root " + root + " of " + heads.path()
            + " does not exist or is not a directory (misconfigured [path_rewrites] or an unmounted volume?); "
            + "not treating " + repo + " as deleted");
      }
      if (!Files.exists(hgDir, LinkOption.NOFOLLOW_LINKS)) {
        log.warn("repository {} does not exist on this mirror (deleted, filtered or skipped since); "
            + "not writing replicated data for {}", repo, heads.kind().wireName());
        return Outcome.applied();
      }
      Path realHgDir = hgDir.toRealPath();
      Path realRoot = root.toRealPath();
      if (!realHgDir.startsWith(realRoot) || realHgDir.equals(realRoot)) {
        return Outcome.permanentFailure("refusing to write replicated data for " + heads.path() + ": " + hgDir
            + " leads to " + realHgDir + ", outside the root " + realRoot);
      }
      if (!Files.isDirectory(realHgDir)) {
        return Outcome.permanentFailure("cannot write replicated data for " + heads.path() + ": " + hgDir
            + " is not a directory");
      }
      ReplicatedDataFile.write(repo, ReplicatedData.of(heads));
      return Outcome.applied();
    } catch (IOException e) {
      // Also a repository deleted between the check and the write: the retry then finds it gone.
      return Outcome.transientFailure("cannot write " + ReplicatedDataFile.path(repo) + ": " + e);
    }
  }
}
