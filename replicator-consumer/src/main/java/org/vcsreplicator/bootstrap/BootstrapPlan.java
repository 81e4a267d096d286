package org.vcsreplicator.bootstrap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;

/**
 * What a mirror bootstrap does with the records of the window, decided before anything runs
 * (pure, no I/O besides log lines):
 * <ol>
 *   <li>A repository of the snapshot that {@code [replicationrules]} filters: nothing; the audit
 *       says {@code filtered by rule NAME}.
 *   <li>Any other repository of the snapshot is cloned from its first bootstrap sync record; its
 *       records before that one are dropped (the clone already holds their effects, since the
 *       master wrote the sync after them), its records after it are "extra" and replayed, in
 *       order, after the clone.
 *   <li>A repository of the snapshot without a bootstrap sync in the window: the audit says
 *       {@code did not receive sync message}.
 *   <li>A repository the snapshot does not list but the window mentions (created on the master
 *       while the bootstrap ran): all its records are replayed in order, so that nothing the
 *       group's committed offsets pass over is lost. (The original dropped them.)
 *   <li>An undecodable record is replayed as a failure of its repository (by record key), or,
 *       without a key, listed in the audit under {@code partition P offset O}.
 * </ol>
 *
 * <p>Immutable once built.
 */
final class BootstrapPlan {
  private static final Logger log = LoggerFactory.getLogger(BootstrapLog.NAME);

  /**
   * The work on one repository: clone it from {@code sync} (when present), then replay {@code
   * records} in order.
   */
  record RepoWork(WirePath repo, Optional<RepoSyncV2> sync, List<WindowRecord> records) {
    RepoWork {
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(sync, "sync");
      records = List.copyOf(records);
    }
  }

  private final List<RepoWork> work;
  private final SortedMap<String, List<String>> problems;

  private BootstrapPlan(List<RepoWork> work, SortedMap<String, List<String>> problems) {
    this.work = List.copyOf(work);
    this.problems = problems;
  }

  /** The repositories to work on, in the order their first record appeared; never null. */
  List<RepoWork> work() {
    return work;
  }

  /** Problems known before anything ran, by repository (or record coordinates); a mutable copy. */
  SortedMap<String, List<String>> problems() {
    SortedMap<String, List<String>> copy = new TreeMap<>();
    problems.forEach((k, v) -> copy.put(k, new ArrayList<>(v)));
    return copy;
  }

  /**
   * @param snapshot the master's snapshot
   * @param records the window's records by partition, each list by offset
   * @param filteredBy the {@code [replicationrules]} rule that filters a repository, or empty
   */
  static BootstrapPlan of(BootstrapSnapshot snapshot, SortedMap<Integer, List<WindowRecord>> records,
      Function<WirePath, Optional<String>> filteredBy) {
    SortedMap<String, List<String>> problems = new TreeMap<>();
    Set<WirePath> awaitingSync = new LinkedHashSet<>();
    Set<WirePath> skipped = new LinkedHashSet<>();
    for (WirePath repo : snapshot.repositories()) {
      Optional<String> rule = filteredBy.apply(repo);
      if (rule.isPresent()) {
        problems.computeIfAbsent(repo.value(), k -> new ArrayList<>()).add("filtered by rule " + rule.get());
        skipped.add(repo);
      } else {
        awaitingSync.add(repo);
      }
    }
    Map<WirePath, Optional<RepoSyncV2>> syncs = new LinkedHashMap<>();
    Map<WirePath, List<WindowRecord>> replays = new LinkedHashMap<>();
    records.forEach((partition, list) -> {
      log.info("processing messages for partition {}", partition);
      for (WindowRecord r : list) {
        Optional<WirePath> about = r.repo();
        if (about.isEmpty()) {
          r.problem().ifPresent(p -> problems.computeIfAbsent(
              "partition " + r.at().partition() + " offset " + r.at().offset(), k -> new ArrayList<>()).add(p));
          continue; // heartbeat-1
        }
        WirePath repo = about.get();
        if (skipped.contains(repo)) {
          continue;
        }
        if (awaitingSync.contains(repo)) {
          if (r.event().isPresent() && isBootstrapSync(r.event().get())) {
            log.info("scheduled clone for {}", repo);
            awaitingSync.remove(repo);
            syncs.put(repo, Optional.of((RepoSyncV2) r.event().get()));
            replays.put(repo, new ArrayList<>());
          }
          // Before its bootstrap sync: the clone made from the sync holds this record's effects.
          continue;
        }
        if (!replays.containsKey(repo)) {
          if (snapshot.repositories().contains(repo)) {
            continue; // unreachable: a snapshot repository is skipped, awaiting, or scheduled
          }
          Optional<String> rule = filteredBy.apply(repo);
          if (rule.isPresent()) {
            problems.computeIfAbsent(repo.value(), k -> new ArrayList<>()).add("filtered by rule " + rule.get());
            skipped.add(repo);
            continue;
          }
          log.info("repository {} is not in the snapshot (created during the bootstrap?); replaying its records "
              + "of the window", repo);
          syncs.put(repo, Optional.empty());
          replays.put(repo, new ArrayList<>());
        }
        List<WindowRecord> extra = replays.get(repo);
        extra.add(r);
        log.info("extra messages found for {}: {} total", repo, extra.size());
      }
    });
    if (!awaitingSync.isEmpty()) {
      log.error("did not receive expected sync messages for {}", awaitingSync);
      for (WirePath repo : awaitingSync) {
        problems.computeIfAbsent(repo.value(), k -> new ArrayList<>()).add("did not receive sync message");
      }
    }
    List<RepoWork> work = new ArrayList<>();
    syncs.forEach((repo, sync) -> work.add(new RepoWork(repo, sync, replays.get(repo))));
    return new BootstrapPlan(work, problems);
  }

  private static boolean isBootstrapSync(Event event) {
    return event instanceof RepoSyncV2 s && s.bootstrap();
  }
}
