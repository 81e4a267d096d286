package org.vcsreplicator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.vcsreplicator.heads.MalformedReplicatedDataException;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.WirePath;

/**
 * Follows the replication of each push to the mirrors. When the producer writes {@code
 * hg-heads-1} (the master's served heads changed), it watches every mirror's copy until hg there
 * shows exactly those heads; when that event comes out of the first aggregator, it watches every
 * mirror's {@code .hg/replicated-data} until the heads consumer wrote those heads, and prints the
 * decoded file. A newer {@code hg-heads-1} for the same repository replaces an older watch (the
 * mirrors go straight to the newer heads).
 *
 * <p>Checks run one at a time on one thread, polling with a deadline; results go to {@link
 * Observations} and the progress output. Thread-safe.
 */
final class Convergence implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(150);

  private final List<Mirror> mirrors;
  private final Hg hg;
  private final Progress progress;
  private final Observations observations;
  private final Path dataDir;
  private final Duration deadline;
  private final Clock clock;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "sandbox-convergence");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Long> latest = new HashMap<>();
  private long sequence;

  Convergence(List<Mirror> mirrors, Hg hg, Progress progress, Observations observations, Path dataDir,
      Duration deadline, Clock clock) {
    this.mirrors = List.copyOf(mirrors);
    this.hg = hg;
    this.progress = progress;
    this.observations = observations;
    this.dataDir = dataDir;
    this.deadline = deadline;
    this.clock = clock;
  }

  /** The producer logged new served heads: watch the mirrors' repositories reach them. */
  void expectMirrors(Message message, Heads heads) {
    long seq = register("mirrors " + heads.path());
    Instant logged = createdAt(message);
    worker.execute(() -> watchMirrors(seq, heads, logged));
  }

  /** Stage 1 copied new served heads: watch the heads consumers write them. */
  void expectHeadsFiles(Heads heads) {
    long seq = register("files " + heads.path());
    worker.execute(() -> watchHeadsFiles(seq, heads));
  }

  private synchronized long register(String key) {
    long seq = ++sequence;
    latest.put(key, seq);
    return seq;
  }

  private synchronized boolean superseded(String key, long seq) {
    return latest.getOrDefault(key, seq) != seq;
  }

  private void watchMirrors(long seq, Heads heads, Instant logged) {
    Set<NodeId> want = Set.copyOf(heads.heads());
    List<Mirror> pending = new ArrayList<>(mirrors);
    long end = System.nanoTime() + deadline.toNanos();
    while (!pending.isEmpty()) {
      if (superseded("mirrors " + heads.path(), seq)) {
        return;
      }
      for (Mirror m : List.copyOf(pending)) {
        Optional<Set<NodeId>> now = headsOf(m.repos().resolve(relative(heads.path())));
        if (now.isPresent() && now.get().equals(want)) {
          pending.remove(m);
          observations.mirrorAt(m.name(), heads.path(), want);
          progress.say(m.name(), heads.path() + " has the master's heads " + shortList(heads.heads())
              + String.format(Locale.ROOT, " (%.1f s after the producer logged them)",
                  Duration.between(logged, clock.instant()).toMillis() / 1000.0));
        }
      }
      if (!pending.isEmpty() && !pause(end)) {
        for (Mirror m : pending) {
          progress.say(m.name(), "did NOT reach the master's heads " + shortList(heads.heads()) + " of "
              + heads.path() + " within " + deadline.toSeconds() + " s");
        }
        return;
      }
    }
  }

  private void watchHeadsFiles(long seq, Heads heads) {
    List<Mirror> pending = new ArrayList<>(mirrors);
    long end = System.nanoTime() + deadline.toNanos();
    while (!pending.isEmpty()) {
      if (superseded("files " + heads.path(), seq)) {
        return;
      }
      for (Mirror m : List.copyOf(pending)) {
        Path repo = m.repos().resolve(relative(heads.path()));
        Optional<ReplicatedData> data = readHeadsFile(repo);
        if (data.isPresent() && data.get().heads().equals(heads.heads())) {
          pending.remove(m);
          observations.headsFile(m.name(), heads.path(), data.get());
          progress.say(m.name(), dataDir.relativize(ReplicatedDataFile.path(repo)) + " written by its heads consumer:");
          progress.detail("{heads: " + data.get().heads().stream().map(NodeId::hex).collect(Collectors.toList())
              + ", last_push_id: " + (data.get().lastPushId().isPresent() ? data.get().lastPushId().getAsLong() : "null")
              + "}");
        }
      }
      if (!pending.isEmpty() && !pause(end)) {
        for (Mirror m : pending) {
          progress.say(m.name(), "heads consumer did NOT write " + shortList(heads.heads()) + " for " + heads.path()
              + " within " + deadline.toSeconds() + " s");
        }
        return;
      }
    }
  }

  private static Optional<ReplicatedData> readHeadsFile(Path repo) {
    try {
      return ReplicatedDataFile.read(repo);
    } catch (MalformedReplicatedDataException e) {
      return Optional.empty(); // rewritten atomically, so only a real bug leaves it malformed
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The visible heads of a repository, or empty when it does not exist (yet) or hg fails. */
  Optional<Set<NodeId>> headsOf(Path repo) {
    if (!Files.isDirectory(repo.resolve(".hg"))) {
      return Optional.empty();
    }
    try {
      HgResult r = hg.run(repo, "log", "-r", "heads(all())", "-T", "{node}\\n");
      if (!r.succeeded()) {
        return Optional.empty();
      }
      Set<NodeId> heads = new LinkedHashSet<>();
      for (String line : r.stdout().split("\n")) {
        if (!line.isBlank()) {
          heads.add(NodeId.of(line.strip()));
        }
      }
      return Optional.of(heads);
    } catch (HgUnavailableException e) {
      return Optional.empty();
    }
  }

  private boolean pause(long end) {
    if (System.nanoTime() - end > 0) {
      return false;
    }
    try {
      Thread.sleep(POLL.toMillis()); // poll interval of the on-disk check
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String relative(WirePath path) {
    String prefix = Master.WIRE_PREFIX + "/";
    return path.value().startsWith(prefix) ? path.value().substring(prefix.length()) : path.value();
  }

  static String shortList(List<NodeId> nodes) {
    return nodes.stream().map(NodeId::shortHex).collect(Collectors.joining(", ", "[", "]"));
  }

  private Instant createdAt(Message m) {
    return m.created().isPresent() ? Instant.ofEpochMilli(Math.round(m.created().getAsDouble() * 1000)) : clock.instant();
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
