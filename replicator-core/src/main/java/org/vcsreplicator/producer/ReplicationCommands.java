package org.vcsreplicator.producer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.fs.FileTrees;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.hg.PushlogReader;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.producer.RepoRouter.Route;

/**
 * The master's operator commands (the original's {@code hg sendheartbeat}, {@code replicatehgrc},
 * {@code replicatesync}, {@code replicatedelete}): each writes its events straight to the log and
 * prints the original's lines. Failures throw; the CLI turns them into {@code abort: …} and exit
 * code 255, as hg did. Thread-safe when its collaborators are.
 */
public final class ReplicationCommands {
  private static final Logger log = LoggerFactory.getLogger(ReplicationCommands.class);

  /** What {@code hg init} on the master prints once the log has the repository. */
  static final String RECORDED_INIT = ReplicationHooks.RECORDED_INIT;

  private final RepoRouter router;
  private final ReplicationLog replicationLog;
  private final Hg hg;
  private final PushlogReader pushlog;

  /**
   * Commands that send {@code hg-heads-1} without a push id (for masters without a pushlog).
   *
   * @param hg used to read heads and requirements
   */
  public ReplicationCommands(RepoRouter router, ReplicationLog replicationLog, Hg hg) {
    this(router, replicationLog, hg, PushlogReader.none());
  }

  /**
   * @param hg used to read heads and requirements
   * @param pushlog where {@link #replicateSync}'s {@code hg-heads-1} takes {@code last_push_id} from
   */
  public ReplicationCommands(RepoRouter router, ReplicationLog replicationLog, Hg hg, PushlogReader pushlog) {
    this.router = Objects.requireNonNull(router, "router");
    this.replicationLog = Objects.requireNonNull(replicationLog, "replicationLog");
    this.hg = Objects.requireNonNull(hg, "hg");
    this.pushlog = Objects.requireNonNull(pushlog, "pushlog");
  }

  /** A command's failure, with the message hg would print after {@code abort: }. */
  public static final class CommandException extends Exception {
    private final Optional<String> hint;

    CommandException(String message, Optional<String> hint, Throwable cause) {
      super(message, cause);
      this.hint = hint;
    }

    /** The {@code (hint)} line, if any. */
    public Optional<String> hint() {
      return hint;
    }
  }

  /** Writes a heartbeat into every mapped partition, in ascending order. */
  public void sendHeartbeat(PrintWriter out) throws CommandException {
    List<Integer> partitions = router.partitions();
    for (int partition : partitions) {
      out.println("sending heartbeat to partition " + partition);
      out.flush();
      try {
        replicationLog.write(partition, new Heartbeat());
      } catch (ReplicationLogException e) {
        throw new CommandException("error sending heartbeat: " + e.getMessage(), Optional.empty(), e);
      }
    }
    out.println("wrote heartbeat message into " + partitions.size() + " partitions");
    out.flush();
  }

  /**
   * Writes {@code hg-repo-init-2} for a repository that exists on the master but was created
   * without the hooks (so mirrors never heard of it), with {@code generaldelta} from its
   * requirements. Mirrors then create it empty; when it already has changesets or an hgrc, a
   * {@code (…)} line tells the operator to follow with {@link #replicateSync}.
   */
  public void replicateInit(Path repo, PrintWriter out) throws CommandException {
    Route route = route(repo);
    List<String> requirements = hgLines(repo, "debugrequires");
    boolean hasChangesets = !hgLines(repo, "log", "--hidden", "-l", "1", "-T", "{rev}\\n").isEmpty();
    write(route, new RepoInitV2(route.path(), requirements.contains("generaldelta")));
    out.println(RECORDED_INIT);
    if (hasChangesets || Files.exists(repo.resolve(".hg/hgrc"))) {
      out.println("(mirrors create it empty: run `vcsreplicator replicate-sync CONFIG " + repo
          + "` to send its hgrc and changesets)");
    }
    out.flush();
  }

  /** Writes {@code hg-hgrc-update-1} with the repo's {@code .hg/hgrc} (none: a deletion). */
  public void replicateHgrc(Path repo, PrintWriter out) throws CommandException {
    Route route = route(repo);
    write(route, new HgrcUpdate(route.path(), readHgrc(repo)));
    out.println("recorded hgrc in replication log");
    out.flush();
  }

  /**
   * Writes {@code hg-repo-sync-2} (requirements, hgrc, heads) and, unless {@code bootstrap} or
   * not {@code withHeads}, {@code hg-heads-1} with the served heads.
   */
  public void replicateSync(Path repo, boolean bootstrap, boolean withHeads, PrintWriter out) throws CommandException {
    Route route = route(repo);
    List<String> requirements = hgLines(repo, "debugrequires");
    List<NodeId> heads = nodes(hgLines(repo, "log", "-r", "reverse(heads(all()))", "-T", "{node}\\n"));
    write(route, new RepoSyncV2(route.path(), requirements.stream().sorted().toList(), readHgrc(repo), heads, bootstrap));
    out.println("wrote synchronization message into replication log");
    out.flush();
    if (withHeads && !bootstrap) {
      List<NodeId> served = nodes(hgLines(repo, "log", "-r", "reverse(heads(not secret()))", "-T", "{node}\\n"));
      // As the original: the pushlog's last push id (0 when empty), null without a pushlog.
      OptionalLong lastPushId;
      try {
        lastPushId = pushlog.lastPushId(repo);
      } catch (IOException e) {
        throw new CommandException(e.getMessage(), Optional.empty(), e);
      }
      write(route, new Heads(route.path(), served, lastPushId));
      out.println("wrote heads synchronization message into replication log");
      out.flush();
    }
  }

  /**
   * Writes {@code hg-repo-delete-1}, then moves the repo to {@code ROOT.todelete} and removes it.
   * The event goes first: a repo the log does not know is deleted must not disappear.
   */
  public void replicateDelete(Path repo, PrintWriter out) throws CommandException {
    Route route = route(repo);
    write(route, new RepoDelete(route.path()));
    out.println("wrote delete message into replication log");
    out.flush();
    Path moved = repo.resolveSibling(repo.getFileName() + ".todelete");
    try {
      Files.move(repo, moved);
      FileTrees.deleteTree(moved);
    } catch (IOException e) {
      throw new CommandException("could not delete repo " + repo + ": " + e, Optional.empty(), e);
    }
    out.println("repo deleted from local host");
    out.flush();
  }

  private Route route(Path repo) throws CommandException {
    if (!Files.isDirectory(repo.resolve(".hg"))) {
      throw new CommandException("repository " + repo + " not found", Optional.empty(), null);
    }
    try {
      return router.route(repo);
    } catch (RepoNotReplicatedException e) {
      throw new CommandException(e.getMessage(), Optional.of(e.hint()), e);
    }
  }

  private void write(Route route, org.vcsreplicator.message.Event event) throws CommandException {
    try {
      replicationLog.write(route.partition(), event);
      log.info("repo={} partition={} wrote {}", route.path(), route.partition(), event.kind().wireName());
    } catch (ReplicationLogException e) {
      throw new CommandException("replication log not available: " + e.getMessage(), Optional.empty(), e);
    }
  }

  private static Optional<String> readHgrc(Path repo) throws CommandException {
    Path hgrc = repo.resolve(".hg/hgrc");
    if (!Files.exists(hgrc)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(hgrc, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new CommandException("cannot read " + hgrc + ": " + e, Optional.empty(), e);
    }
  }

  private List<String> hgLines(Path repo, String... args) throws CommandException {
    HgResult result;
    try {
      result = hg.run(repo, args);
    } catch (HgUnavailableException e) {
      throw new CommandException(e.getMessage(), Optional.empty(), e);
    }
    if (!result.succeeded()) {
      throw new CommandException("hg " + String.join(" ", args) + " failed: " + result.stderr().strip(), Optional.empty(), null);
    }
    List<String> lines = new ArrayList<>();
    result.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(lines::add);
    return lines;
  }

  private static List<NodeId> nodes(List<String> hexes) {
    // An empty repository has the null revision as its only head.
    return hexes.isEmpty() ? List.of(NodeId.NULL) : hexes.stream().map(NodeId::of).toList();
  }
}
