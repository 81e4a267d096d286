package org.vcsreplicator.bootstrap;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.consumer.EventApplier;
import org.vcsreplicator.consumer.EventDisplay;
import org.vcsreplicator.consumer.MirrorRoutes;
import org.vcsreplicator.consumer.Outcome;
import org.vcsreplicator.consumer.Retrier;
import org.vcsreplicator.consumer.StopSignal;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.WirePath;

/**
 * The mirror half of bootstrapping a new mirror (the original's {@code
 * vcsreplicator-bootstrap-hgweb}), run while the mirror's consumer daemons are stopped:
 * <ol>
 *   <li>sets the mirror group's committed offsets to the window starts;
 *   <li>reads every partition's window of the {@link BootstrapSnapshot};
 *   <li>plans ({@link BootstrapPlan}): which repository is cloned from which bootstrap sync, which
 *       later records are replayed, what is filtered;
 *   <li>on {@code workers} threads, per repository: clones it ({@link
 *       EventApplier#applyBootstrapSync}: stream clone, else init and pull; hgrc; heads), then
 *       replays its later records of the window through the same {@link EventApplier} the
 *       consumer daemon uses;
 *   <li>checks that the committed offsets are still the starts (else a consumer daemon of the
 *       group runs, and the bootstrap refuses to finish), then sets them to the window ends, so
 *       the daemons, once started, apply exactly what came after the window.
 * </ol>
 *
 * <p>Invariants: one repository's failure never stops the others (it goes to the {@link
 * Result}'s problems, which the caller writes to the audit file); a repository's records are
 * applied in log order, and after a failed one none of its later records are; transient failures
 * are retried as the consumer retries them ({@code retry_*} settings).
 *
 * <p>Not thread-safe; {@link #run} uses its own pool. {@link #stop()} may be called from any
 * thread: it cuts retry pauses short.
 */
public final class MirrorBootstrap implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BootstrapLog.NAME);

  /**
   * The mirror group's committed offsets. The consumer daemons assign their partitions statically
   * and never join the group, so Kafka cannot tell whether one runs; a change of the committed
   * offsets between the bootstrap's two commits is how the bootstrap notices one.
   */
  public interface GroupOffsets {
    /**
     * @param offsets next offset to read, by partition
     * @throws ReplicationLogUnavailableException when the group has active members or Kafka does
     *     not answer
     */
    void commit(Map<Integer, Long> offsets) throws ReplicationLogUnavailableException;

    /**
     * @return the committed offsets by partition (partitions without one are absent); never null
     * @throws ReplicationLogUnavailableException when Kafka does not answer
     */
    SortedMap<Integer, Long> committed() throws ReplicationLogUnavailableException;
  }

  /**
   * How a bootstrap went.
   *
   * @param problems per repository (wire path, or {@code partition P offset O} for an
   *     undecodable record without a key), the problems in the order they arose; empty when every
   *     repository is complete; never null
   */
  public record Result(SortedMap<String, List<String>> problems) {
    public Result {
      SortedMap<String, List<String>> copy = new TreeMap<>();
      problems.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      problems = Collections.unmodifiableSortedMap(copy);
    }

    /** True when nothing needs an operator's attention. */
    public boolean isClean() {
      return problems.isEmpty();
    }
  }

  private final String group;
  private final EventApplier applier;
  private final MirrorRoutes routes;
  private final ReplicationLogWindow window;
  private final GroupOffsets groupOffsets;
  private final Retrier retrier;
  private final int workers;
  private final StopSignal stop = new StopSignal();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** Bound for each request to the Kafka admin client. */
  static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /**
   * A bootstrap for the mirror these consumer settings describe: hg from {@code [programs] hg},
   * the consumer daemon's {@link EventApplier}, the replication topic and group of the consumer
   * section. Close it when done (it owns hg and two Kafka clients).
   *
   * @param workers how many repositories are worked on at once, {@code >= 1}
   * @throws HgUnavailableException when hg cannot be started
   */
  public static MirrorBootstrap open(ConsumerSettings settings, int workers) throws HgUnavailableException {
    Hg hg = HgFactory.open(HgOptions.defaults(settings.hgPath()));
    KafkaWindowReader reader = null;
    OffsetsAdmin admin = null;
    try {
      reader = KafkaWindowReader.open(settings);
      admin = new OffsetsAdmin(KafkaClientConfig.from(settings.kafka()), ADMIN_TIMEOUT, Clock.systemUTC());
      OffsetsAdmin offsets = admin;
      GroupOffsets groupOffsets = new GroupOffsets() {
        @Override
        public void commit(Map<Integer, Long> o) throws ReplicationLogUnavailableException {
          offsets.commitOffsets(settings.group(), settings.topic(), o);
        }

        @Override
        public SortedMap<Integer, Long> committed() throws ReplicationLogUnavailableException {
          return offsets.committedOffsets(settings.group(), settings.topic());
        }
      };
      MirrorBootstrap bootstrap = new MirrorBootstrap(settings.group(), ConsumeSession.mirrorApplier(hg, settings),
          ConsumeSession.routes(settings), reader, groupOffsets, settings.retry(), workers);
      bootstrap.resources.addAll(List.of(admin, reader, hg));
      return bootstrap;
    } catch (RuntimeException e) {
      closeQuietly(admin);
      closeQuietly(reader);
      hg.close();
      throw e;
    }
  }

  /**
   * @param group the mirror's consumer group, for log lines
   * @param applier applies events to this mirror (the consumer daemon's)
   * @param routes the mirror's {@code [replicationrules]} and paths (the applier's)
   * @param window reads the replication topic
   * @param groupOffsets sets the group's committed offsets
   * @param retry the consumer's retry settings
   * @param workers how many repositories are worked on at once, {@code >= 1}
   */
  public MirrorBootstrap(String group, EventApplier applier, MirrorRoutes routes, ReplicationLogWindow window,
      GroupOffsets groupOffsets, RetrySettings retry, int workers) {
    this.group = Objects.requireNonNull(group, "group");
    this.applier = Objects.requireNonNull(applier, "applier");
    this.routes = Objects.requireNonNull(routes, "routes");
    this.window = Objects.requireNonNull(window, "window");
    this.groupOffsets = Objects.requireNonNull(groupOffsets, "groupOffsets");
    this.retrier = new Retrier(Objects.requireNonNull(retry, "retry"), stop::pause);
    if (workers < 1) {
      throw new IllegalArgumentException("workers must be at least 1, got " + workers);
    }
    this.workers = workers;
  }

  /** Cuts retry pauses short; repositories still in work then fail with their last error. */
  public void stop() {
    stop.request();
  }

  /**
   * Runs the mirror bootstrap.
   *
   * @return never null; its problems belong in the audit file
   * @throws BootstrapException when the bootstrap cannot run as a whole (the snapshot does not
   *     fit the topic, a window cannot be read, the group's offsets cannot be set); the group's
   *     offsets are then not at the window ends
   */
  public Result run(BootstrapSnapshot snapshot) throws BootstrapException {
    checkPartitions(snapshot);
    SortedMap<Integer, Long> starts = new TreeMap<>();
    SortedMap<Integer, Long> ends = new TreeMap<>();
    snapshot.offsets().forEach((p, w) -> {
      starts.put(p, w.start());
      ends.put(p, w.end());
    });
    commit(starts, "window starts");

    SortedMap<Integer, List<WindowRecord>> records = new TreeMap<>();
    for (Map.Entry<Integer, OffsetWindow> e : snapshot.offsets().entrySet()) {
      if (!e.getValue().isEmpty()) {
        records.put(e.getKey(), window.read(e.getKey(), e.getValue()));
      }
    }
    log.info("finished retrieving messages from Kafka");

    BootstrapPlan plan = BootstrapPlan.of(snapshot, records, routes::filteredBy);
    SortedMap<String, List<String>> problems = plan.problems();
    execute(plan.work(), problems);

    checkNobodyCommitted(starts);
    commit(ends, "window ends");
    log.info("{} bootstrap process complete", group);
    return new Result(problems);
  }

  private void checkPartitions(BootstrapSnapshot snapshot) throws BootstrapException {
    List<Integer> topicPartitions = window.partitions();
    if (!topicPartitions.equals(new ArrayList<>(snapshot.offsets().keySet()))) {
      // A partition without a window would keep no committed offset and be replayed from its start.
      throw new BootstrapException("the snapshot has windows for partitions " + snapshot.offsets().keySet()
          + " but the topic has partitions " + topicPartitions + "; was it made for another topic?");
    }
  }

  private void commit(SortedMap<Integer, Long> offsets, String what) throws BootstrapException {
    try {
      groupOffsets.commit(offsets);
    } catch (ReplicationLogUnavailableException e) {
      throw new BootstrapException("cannot set the committed offsets of group " + group + " to the " + what + ": "
          + e.getMessage(), e);
    }
  }

  /** Refuses to finish when a running consumer of the group moved its offsets meanwhile. */
  private void checkNobodyCommitted(SortedMap<Integer, Long> starts) throws BootstrapException {
    SortedMap<Integer, Long> now;
    try {
      now = groupOffsets.committed();
    } catch (ReplicationLogUnavailableException e) {
      throw new BootstrapException("cannot read the committed offsets of group " + group + ": " + e.getMessage(), e);
    }
    for (Map.Entry<Integer, Long> e : starts.entrySet()) {
      Long current = now.get(e.getKey());
      if (current == null || current.longValue() != e.getValue()) {
        throw new BootstrapException("the committed offset of group " + group + " on partition " + e.getKey()
            + " moved from " + e.getValue() + " to " + current + " while the bootstrap ran: a consumer of the group "
            + "is running; stop every consumer daemon of this mirror and run the bootstrap again");
      }
    }
  }

  /** Runs every repository's work; records each failure in {@code problems}. */
  private void execute(List<BootstrapPlan.RepoWork> work, SortedMap<String, List<String>> problems)
      throws BootstrapException {
    long clones = work.stream().filter(w -> w.sync().isPresent()).count();
    long batches = work.stream().filter(w -> !w.records().isEmpty()).count();
    AtomicInteger clonesLeft = new AtomicInteger((int) clones);
    AtomicInteger batchesLeft = new AtomicInteger((int) batches);
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "bootstrap-mirror");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (BootstrapPlan.RepoWork w : work) {
        futures.add(pool.submit(() -> runRepo(w, clonesLeft, batchesLeft)));
      }
      for (int i = 0; i < work.size(); i++) {
        List<String> failures;
        try {
          failures = futures.get(i).get();
        } catch (ExecutionException e) {
          // A bug (not an hg or I/O failure, which are outcomes): report it for this repo, go on.
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          log.error("bootstrap of {} failed unexpectedly", work.get(i).repo(), cause);
          failures = List.of("internal error: " + cause);
        }
        if (!failures.isEmpty()) {
          problems.computeIfAbsent(work.get(i).repo().value(), k -> new ArrayList<>()).addAll(failures);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BootstrapException("interrupted while bootstrapping repositories", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** One repository: clone, then replay; answers its problems. Runs on a pool thread. */
  private List<String> runRepo(BootstrapPlan.RepoWork w, AtomicInteger clonesLeft, AtomicInteger batchesLeft) {
    WirePath repo = w.repo();
    List<String> failures = new ArrayList<>();
    if (w.sync().isPresent()) {
      log.info("syncing repo: {}", repo);
      Outcome outcome;
      try {
        outcome = retrier.run("bootstrap sync of " + repo, () -> applier.applyBootstrapSync(w.sync().get()));
      } finally {
        log.info("exiting sync for: {}", repo);
      }
      boolean cloned = outcome.isApplied();
      if (cloned) {
        log.info("{} successfully cloned", repo);
      } else {
        String message = "error triggering replication of Mercurial repo " + repo + ": " + reason(outcome);
        log.error("{}", message);
        failures.add(message);
      }
      log.info("{} repositories remaining", clonesLeft.decrementAndGet());
      if (!cloned) {
        if (!w.records().isEmpty()) {
          // Replaying on top of a failed clone would only fail again, or build half a repository.
          failures.add(w.records().size() + " later message(s) of the window not applied");
          log.info("{} batches remaining", batchesLeft.decrementAndGet());
        }
        return failures;
      }
      if (w.records().isEmpty()) {
        return failures;
      }
      log.info("scheduling extra processing for {}", repo);
    }
    replay(w, failures);
    log.info("{} batches remaining", batchesLeft.decrementAndGet());
    return failures;
  }

  /** Applies the repository's records in order; stops at the first that fails. */
  private void replay(BootstrapPlan.RepoWork w, List<String> failures) {
    for (WindowRecord r : w.records()) {
      Outcome outcome;
      String display;
      if (r.event().isEmpty()) {
        display = "undecodable record";
        outcome = Outcome.permanentFailure(r.problem().orElseThrow());
      } else {
        Event event = r.event().get();
        display = EventDisplay.of(event);
        log.info("processing {} from partition {} offset {}", display, r.at().partition(), r.at().offset());
        outcome = retrier.run(display, () -> applier.apply(event));
      }
      if (!outcome.isApplied()) {
        String message = "error processing extra messages for " + w.repo() + ": " + display + " at partition "
            + r.at().partition() + " offset " + r.at().offset() + ": " + reason(outcome);
        log.error("{}", message);
        failures.add(message);
        return;
      }
    }
    log.info("extra processing for {} completed successfully", w.repo());
  }

  /** Closes what {@link #open} opened; idempotent. */
  @Override
  public void close() {
    for (AutoCloseable c : resources) {
      closeQuietly(c);
    }
    resources.clear();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
    }
  }

  private static String reason(Outcome outcome) {
    if (outcome instanceof Outcome.PermanentFailure p) {
      return p.reason();
    }
    if (outcome instanceof Outcome.TransientFailure t) {
      return t.reason();
    }
    return "applied";
  }
}
