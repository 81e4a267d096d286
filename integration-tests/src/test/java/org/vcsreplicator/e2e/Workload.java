package org.vcsreplicator.e2e;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.hg.HgResult;

/**
 * A realistic session on the master, deterministic for a seed: ten repositories (three of them
 * non-publishing), developers pushing linear changes, new heads, bookmarks (created, moved,
 * deleted) and phase changes from several threads at once; operators updating repository hgrc
 * files, bringing in a repository created behind the replication's back with {@code replicate-sync},
 * and deleting one with {@code replicate-delete} once its own pushes are done, while others go on.
 *
 * <p>It records what the notifier must publish for each repository, in order ({@link #expected()}).
 */
final class Workload {
  private static final Logger log = LoggerFactory.getLogger(Workload.class);

  /** One repository of the session and how it is used. */
  record Repo(String name, boolean publishing, Kind kind) {}

  enum Kind {
    /** Created with {@code hg init} on the master (hooks on): {@code newrepo.1} first. */
    NORMAL,
    /** Created without the hooks, with history, then {@code replicate-sync}: no {@code newrepo.1}. */
    SYNCED,
    /** Created normally, deleted with {@code replicate-delete} after its pushes. */
    DELETED
  }

  /** What the notifier must send for a repository: a type and, for changegroups, the heads. */
  record Expected(String type, List<String> heads) {}

  static final List<Repo> REPOS = List.of(
      new Repo("mozilla-central", true, Kind.NORMAL),
      new Repo("integration/autoland", true, Kind.NORMAL),
      new Repo("releases/mozilla-beta", true, Kind.NORMAL),
      new Repo("try", false, Kind.NORMAL),
      new Repo("projects/ash", false, Kind.NORMAL),
      new Repo("projects/cedar", true, Kind.NORMAL),
      new Repo("users/alice_example.com/fx", false, Kind.NORMAL),
      new Repo("users/bob_example.com/fx", true, Kind.NORMAL),
      new Repo("projects/synced", true, Kind.SYNCED),
      new Repo("projects/doomed", true, Kind.DELETED));

  private final Master master;
  private final Client client;
  private final long seed;
  private final Map<String, List<Expected>> expected = new LinkedHashMap<>();
  private final AtomicInteger pushes = new AtomicInteger();
  /** Every push holds it for reading; a test takes it for writing to disturb the system between pushes. */
  private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
  private volatile Runnable beforeDelete = () -> {};

  Workload(Master master, Client client, long seed) {
    this.master = master;
    this.client = client;
    this.seed = seed;
    for (Repo r : REPOS) {
      expected.put(r.name(), Collections.synchronizedList(new ArrayList<>()));
    }
  }

  /** The repositories that exist at the end. */
  static List<String> liveRepos() {
    return REPOS.stream().filter(r -> r.kind() != Kind.DELETED).map(Repo::name).toList();
  }

  static String deletedRepo() {
    return REPOS.stream().filter(r -> r.kind() == Kind.DELETED).findFirst().orElseThrow().name();
  }

  /** Notifications the notifier must send, per repository name, in order. */
  Map<String, List<Expected>> expected() {
    Map<String, List<Expected>> copy = new LinkedHashMap<>();
    expected.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  /**
   * Held for reading by every push of the session: a test that takes the write lock has the
   * master to itself (no push in flight, none starting) until it unlocks.
   */
  ReentrantReadWriteLock gate() {
    return gate;
  }

  /**
   * Runs before the master deletes the repository of kind {@link Kind#DELETED}. A mirror still
   * behind on that repository when it is deleted stops at its next changegroup (the pull source is
   * gone: {@code DeletedExperimentalRepoDoesNotLoseOtherReposIT} shows that and the way out); a
   * session that is not about that waits here until the mirrors caught up.
   */
  void beforeDelete(Runnable wait) {
    beforeDelete = wait;
  }

  /** Records a notification a test caused outside the session (holding {@link #gate()}). */
  void expect(String repo, Expected notification) {
    expected.get(repo).add(notification);
  }

  /** Pushes done so far (every {@code hg push}, also bookmark- and phase-only ones). */
  int pushes() {
    return pushes.get();
  }

  /**
   * Runs the session: {@code pushesPerRepo} pushes to each repository, spread over
   * {@code workers} threads (a repository belongs to one thread, so its pushes are ordered).
   *
   * @param afterPush called (from a worker) with the running total after every push; a test
   *     uses it to disturb the system mid-stream. It must be thread-safe.
   */
  void run(int pushesPerRepo, int workers, IntConsumer afterPush) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        List<Repo> mine = new ArrayList<>();
        for (int i = w; i < REPOS.size(); i += workers) {
          mine.add(REPOS.get(i));
        }
        done.add(pool.submit(() -> {
          worker(mine, pushesPerRepo, afterPush);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private void worker(List<Repo> repos, int pushesPerRepo, IntConsumer afterPush) {
    Map<String, Random> random = new LinkedHashMap<>();
    for (Repo r : repos) {
      random.put(r.name(), new Random(seed * 31 + r.name().hashCode()));
      gated(() -> create(r));
    }
    // Round robin over this worker's repositories, so pushes of repositories sharing a partition interleave.
    for (int round = 0; round < pushesPerRepo; round++) {
      for (Repo r : repos) {
        step(r, round, random.get(r.name()));
        afterPush.accept(pushes.incrementAndGet());
      }
    }
    for (Repo r : repos) {
      if (r.kind() == Kind.DELETED) {
        beforeDelete.run();
        gated(() -> master.replicateDelete(r.name()));
      }
    }
  }

  private void create(Repo r) {
    String name = r.name();
    if (r.kind() == Kind.SYNCED) {
      // Made behind the replication's back (no hooks): history the mirrors only get from the sync.
      master.initUnreplicated(name);
      client.init(name);
      for (int i = 0; i < 3; i++) {
        client.commit(name, "history" + i + ".txt", "old " + i + "\n");
      }
      HgProcess.run(master.clientHgrc, master.dir, "push", "-q", "-R", client.workingCopy(name).toString(),
          master.path(name).toString()).ok();
      master.replicateSync(name);
    } else {
      master.init(name);
      expected.get(name).add(new Expected("newrepo.1", List.of()));
      client.init(name);
    }
    if (!r.publishing()) {
      master.updateHgrc(name, Optional.of("[phases]\npublish = false\n"));
    }
  }

  private void step(Repo r, int round, Random rnd) {
    String name = r.name();
    // Operators edit repository configuration now and then.
    if (round == 4 && r.publishing()) {
      gated(() -> master.updateHgrc(name, Optional.of("[web]\ndescription = " + name + " (round " + round + ")\n")));
    }
    if (round == 9 && name.equals("projects/cedar")) {
      gated(() -> master.updateHgrc(name, Optional.empty()));
    }
    boolean empty = client.hg(name, "log", "-r", "tip", "-T", "{rev}").strip().equals("-1");
    double p = rnd.nextDouble();
    if (!empty && !r.publishing() && p < 0.2) {
      List<String> drafts = client.hg(name, "log", "-r", "draft()", "-T", "{node}\\n").lines().toList();
      if (!drafts.isEmpty()) {
        client.hg(name, "phase", "--public", "-r", drafts.get(rnd.nextInt(drafts.size())));
        push(name, null);
        return;
      }
    }
    if (!empty && p < 0.35) {
      // Bookmark-only pushes (hg-pushkey-1): a bookmark of three names created, moved anywhere
      // (backwards, to another head) or deleted; names come back after a delete. A mirror that is
      // behind meets pushkeys its pulls have overtaken (LaggingMirrorBookmarksIT).
      String bookmark = "bm-" + rnd.nextInt(3);
      boolean exists = client.hg(name, "bookmarks", "-T", "{bookmark}\\n").lines().anyMatch(bookmark::equals);
      if (exists && rnd.nextInt(4) == 0) {
        client.hg(name, "bookmark", "-d", bookmark);
      } else {
        List<String> nodes = client.hg(name, "log", "-T", "{node}\\n").lines().toList();
        client.hg(name, "bookmark", "-f", "-r", nodes.get(rnd.nextInt(nodes.size())), bookmark);
      }
      push(name, null, "-B", bookmark);
      return;
    }
    if (!empty && p < 0.45) {
      // A new head on an older changeset.
      List<String> nodes = client.hg(name, "log", "-T", "{node}\\n").lines().toList();
      client.update(name, nodes.get(rnd.nextInt(nodes.size())));
      String head = client.commit(name, "head" + round + ".txt", "head " + round + " " + rnd.nextInt() + "\n");
      push(name, new Expected("changegroup.1", List.of(head)));
      return;
    }
    if (!empty) {
      client.update(name, "tip");
    }
    int count = 1 + rnd.nextInt(3);
    String tip = null;
    for (int i = 0; i < count; i++) {
      tip = client.commit(name, "file" + rnd.nextInt(5) + ".txt", "round " + round + " change " + i + " "
          + rnd.nextInt() + "\n");
    }
    if (rnd.nextInt(4) == 0) {
      // The pushed changesets carry a bookmark (no pushkey: the mirrors' pulls bring it).
      String bookmark = "bm-" + rnd.nextInt(3);
      client.hg(name, "bookmark", "-f", "-r", tip, bookmark);
      push(name, new Expected("changegroup.1", List.of(tip)), "-B", bookmark);
    } else {
      push(name, new Expected("changegroup.1", List.of(tip)));
    }
  }

  /** Runs a write to the master (which writes to the log) while no test holds {@link #gate()}. */
  private void gated(Runnable write) {
    gate.readLock().lock();
    try {
      write.run();
    } finally {
      gate.readLock().unlock();
    }
  }

  /** Pushes; records the notification it must cause (null: none) before another push can start. */
  private void push(String name, Expected notification, String... extra) {
    List<String> args = new ArrayList<>(List.of("-f"));
    args.addAll(List.of(extra));
    HgResult r;
    gate.readLock().lock();
    try {
      r = client.push(name, args.toArray(String[]::new));
      if (notification != null) {
        expected.get(name).add(notification);
      }
    } finally {
      gate.readLock().unlock();
    }
    log.debug("pushed to {}: {}", name, r.output().strip());
  }
}
