package org.vcsreplicator.bootstrap;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.producer.RepoNotReplicatedException;
import org.vcsreplicator.producer.RepoRouter;
import org.vcsreplicator.producer.ReplicationCommands;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.ProducerPathRewrites;

/**
 * The master half of bootstrapping a new mirror (the original's {@code
 * vcsreplicator-bootstrap-hgssh}): notes the end offset of every partition, writes a bootstrap
 * sync ({@code hg-repo-sync-2} with {@code bootstrap: true}) for every repository under the roots
 * of {@code [replicationpathrewrites]}, notes the end offsets again, and answers the {@link
 * BootstrapSnapshot}: per partition the window {@code [start, end)} that holds every sync record
 * (and whatever else was pushed meanwhile), and the wire paths of the repositories.
 *
 * <p>Invariants:
 * <ol>
 *   <li>The start offsets are read before the first sync is written and the end offsets after
 *       the last one was acknowledged by Kafka, so every sync record lies inside its window.
 *   <li>All or nothing: if any repository's sync cannot be written, {@link #run()} throws and no
 *       snapshot exists (a mirror bootstrapped from it would miss that repository silently).
 * </ol>
 *
 * <p>Regular consumers ignore bootstrap syncs, so running this on a live master is harmless.
 *
 * <p>Not thread-safe; {@link #run()} uses its own pool of {@code workers} threads.
 */
public final class MasterBootstrap {
  private static final Logger log = LoggerFactory.getLogger(BootstrapLog.NAME);

  /** The end offset of every partition of the replication topic. */
  @FunctionalInterface
  public interface EndOffsets {
    /**
     * @return end offset (the next offset to be written) by partition, every partition; never null
     * @throws ReplicationLogUnavailableException when Kafka does not answer
     */
    SortedMap<Integer, Long> read() throws ReplicationLogUnavailableException;
  }

  private final ProducerPathRewrites rewrites;
  private final RepoRouter router;
  private final ReplicationCommands commands;
  private final EndOffsets endOffsets;
  private final int workers;

  /**
   * @param rewrites the master's {@code [replicationpathrewrites]}: each prefix that is an
   *     absolute path is a root searched for repositories
   * @param router maps a repository to its wire path (the same as {@code commands} uses)
   * @param commands writes the sync records
   * @param endOffsets reads the topic's end offsets
   * @param workers how many syncs run at once, {@code >= 1}
   */
  public MasterBootstrap(ProducerPathRewrites rewrites, RepoRouter router, ReplicationCommands commands,
      EndOffsets endOffsets, int workers) {
    this.rewrites = Objects.requireNonNull(rewrites, "rewrites");
    this.router = Objects.requireNonNull(router, "router");
    this.commands = Objects.requireNonNull(commands, "commands");
    this.endOffsets = Objects.requireNonNull(endOffsets, "endOffsets");
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    this.workers = workers;
  }

  /**
   * Runs the master bootstrap.
   *
   * @return never null
   * @throws BootstrapException when a root is missing, Kafka does not answer, or any repository's
   *     sync could not be written (every failure is logged; the message names them all)
   */
  public BootstrapSnapshot run() throws BootstrapException {
    List<Path> repos = new ArrayList<>();
    for (Path root : roots(rewrites)) {
      try {
        repos.addAll(findRepositories(root));
      } catch (IOException | UncheckedIOException e) {
        throw new BootstrapException("cannot search repository root " + root + " for repositories: " + e, e);
      }
    }
    repos = List.copyOf(new TreeSet<>(repos));
    Map<Path, WirePath> wirePaths = new LinkedHashMap<>();
    for (Path repo : repos) {
      try {
        wirePaths.put(repo, router.route(repo).path());
      } catch (RepoNotReplicatedException e) {
        throw new BootstrapException("repository " + repo + " is not replicated: " + e.getMessage()
            + " (" + e.hint() + ")", e);
      }
    }

    SortedMap<Integer, Long> start = readEnds("initial");
    log.info("gathered initial Kafka offsets");
    List<String> failures = syncAll(repos);
    if (!failures.isEmpty()) {
      throw new BootstrapException("bootstrap syncs of " + failures.size() + " of " + repos.size()
          + " repositories could not be written; no snapshot was made: " + String.join("; ", failures));
    }
    SortedMap<Integer, Long> end = readEnds("final");
    log.info("gathered final Kafka offsets");
    if (!start.keySet().equals(end.keySet())) {
      throw new BootstrapException("the topic's partitions changed during the bootstrap (" + start.keySet()
          + " before, " + end.keySet() + " after); run it again");
    }
    SortedMap<Integer, OffsetWindow> windows = new TreeMap<>();
    start.forEach((p, s) -> windows.put(p, new OffsetWindow(s, end.get(p))));
    return new BootstrapSnapshot(windows, List.copyOf(wirePaths.values()));
  }

  private SortedMap<Integer, Long> readEnds(String which) throws BootstrapException {
    try {
      return endOffsets.read();
    } catch (ReplicationLogUnavailableException e) {
      throw new BootstrapException("cannot read the " + which + " Kafka offsets: " + e.getMessage(), e);
    }
  }

  /** Syncs every repository on {@code workers} threads; answers one line per failure. */
  private List<String> syncAll(List<Path> repos) throws BootstrapException {
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "bootstrap-master-sync");
      t.setDaemon(true);
      return t;
    });
    try {
      Map<Path, Future<?>> running = new LinkedHashMap<>();
      PrintWriter discard = new PrintWriter(Writer.nullWriter());
      for (Path repo : repos) {
        running.put(repo, pool.submit(() -> {
          commands.replicateSync(repo, true, false, discard);
          return null;
        }));
        log.info("calling `replicatesync --bootstrap` on {}", repo);
      }
      List<String> failures = new ArrayList<>();
      for (Map.Entry<Path, Future<?>> e : running.entrySet()) {
        try {
          e.getValue().get();
          log.info("called `replicatesync --bootstrap` on {} successfully", e.getKey());
        } catch (ExecutionException failed) {
          Throwable cause = failed.getCause() != null ? failed.getCause() : failed;
          String why = cause.getMessage() != null ? cause.getMessage() : cause.toString();
          log.error("error occurred calling `replicatesync --bootstrap` on {}: {}", e.getKey(), why);
          failures.add(e.getKey() + ": " + why);
        }
      }
      return failures;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BootstrapException("interrupted while syncing repositories", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The directories of {@code [replicationpathrewrites]} to search: every prefix that is an
   * absolute path, without duplicates, in file order.
   *
   * @throws BootstrapException when no prefix is an absolute path, or one is not a directory
   */
  static List<Path> roots(ProducerPathRewrites rewrites) throws BootstrapException {
    List<Path> roots = new ArrayList<>();
    for (PrefixRewrite entry : rewrites.entries()) {
      Path root;
      try {
        root = Path.of(entry.prefix()).normalize();
      } catch (InvalidPathException e) {
        continue;
      }
      if (!root.isAbsolute()) {
        continue;
      }
      if (!Files.isDirectory(root)) {
        // Fail closed: a missing root would give a snapshot without its repositories.
        throw new BootstrapException("repository root " + root + " of [replicationpathrewrites] entry '" + entry
            + "' is not a directory");
      }
      if (!roots.contains(root)) {
        roots.add(root);
      }
    }
    if (roots.isEmpty()) {
      throw new BootstrapException("[replicationpathrewrites] names no absolute directory to search for repositories");
    }
    return roots;
  }

  /**
   * Every Mercurial repository at or below {@code root}: directories holding a {@code .hg}
   * directory, nested ones included, as the original's {@code find_hg_repos}. Symbolic links are
   * not followed.
   *
   * @return absolute paths, sorted; never null
   */
  public static List<Path> findRepositories(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(root.toAbsolutePath().normalize(), new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        if (dir.getFileName() != null && dir.getFileName().toString().equals(".hg")) {
          return FileVisitResult.SKIP_SUBTREE;
        }
        if (Files.isDirectory(dir.resolve(".hg"), LinkOption.NOFOLLOW_LINKS)) {
          found.add(dir);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    found.sort(null);
    return found;
  }
}
