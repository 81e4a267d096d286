package org.vcsreplicator.producer;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.producer.HookRequest.InitCheck;
import org.vcsreplicator.producer.HookRequest.InitDone;
import org.vcsreplicator.producer.HookRequest.Publish;
import org.vcsreplicator.producer.HookRequest.TxnClose;
import org.vcsreplicator.producer.HookRequest.TxnOpen;
import org.vcsreplicator.producer.RepoRouter.Route;
import org.vcsreplicator.producer.TransactionChanges.BookmarkMove;
import org.vcsreplicator.producer.TransactionChanges.PhaseMove;

/**
 * The producer's decisions, one per hook call (ORIGINAL-BEHAVIOURS X2–X5):
 *
 * <ol>
 *   <li>{@code pretxnopen} and {@code pretxnclose} write a heartbeat to the repo's partition and
 *       refuse the transaction when the log does not acknowledge it (SPEC rule 4: writes fail
 *       closed, and the heartbeat before close is the last chance to refuse).
 *   <li>After commit, the transaction's events go to the repo's partition in this order: the
 *       changegroup (when changesets were added) or else one pushkey per bookmark and phase
 *       move; then one pushkey per obsolescence-marker batch; then {@code hg-heads-1} when the
 *       served heads changed. A pull brings bookmarks and phases along with changesets, which
 *       is why pushes with changesets carry no bookmark or phase pushkeys.
 *   <li>{@code hg init}: a heartbeat to the lowest mapped partition before the repo exists, then
 *       {@code hg-repo-init-2} to the repo's partition.
 *   <li>A repository no {@code [replicationpathrewrites]} entry maps is refused outright.
 * </ol>
 *
 * <p>Stateless and thread-safe when the router and the log are.
 */
public final class ReplicationHooks implements HookHandler {
  private static final Logger log = LoggerFactory.getLogger(ReplicationHooks.class);

  // Lines the pushing user sees; quoted by the original's tests and operators' runbooks.
  static final String UNAVAILABLE_AT_OPEN = "replication log not available; all writes disabled";
  static final String UNAVAILABLE_AT_CLOSE = "replication log not available; cannot close transaction";
  static final String RECORDED_INIT = "(recorded repository creation in replication log)";

  private final RepoRouter router;
  private final ReplicationLog replicationLog;
  private final Clock clock;

  public ReplicationHooks(RepoRouter router, ReplicationLog replicationLog, Clock clock) {
    this.router = Objects.requireNonNull(router, "router");
    this.replicationLog = Objects.requireNonNull(replicationLog, "replicationLog");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public HookReply handle(HookRequest request) {
    if (request instanceof TxnOpen open) {
      return heartbeat(open.root(), "pretxnopen", UNAVAILABLE_AT_OPEN);
    } else if (request instanceof TxnClose close) {
      return heartbeat(close.root(), "pretxnclose", UNAVAILABLE_AT_CLOSE);
    } else if (request instanceof Publish publish) {
      return publish(publish);
    } else if (request instanceof InitCheck check) {
      return initCheck(check);
    } else if (request instanceof InitDone done) {
      return initDone(done);
    }
    throw new IllegalStateException("unhandled hook request " + request);
  }

  private HookReply heartbeat(Path root, String hook, String unavailable) {
    Route route;
    try {
      route = router.route(root);
    } catch (RepoNotReplicatedException e) {
      return notReplicated(e);
    }
    try {
      replicationLog.write(route.partition(), new Heartbeat());
      return HookReply.allow();
    } catch (ReplicationLogException e) {
      log.warn("refused {} of repo={} partition={}: {}", hook, route.path(), route.partition(), e.getMessage());
      return HookReply.refuse(unavailable);
    }
  }

  private HookReply publish(Publish publish) {
    Route route;
    try {
      route = router.route(publish.root());
    } catch (RepoNotReplicatedException e) {
      // pretxnopen refused such a repo already; only a config change in between gets here.
      return HookReply.refuse(List.of(), List.of(
          "replication log write skipped: " + e.getMessage() + ": " + publish.root()));
    }
    WirePath path = route.path();
    int partition = route.partition();
    List<String> status = new ArrayList<>();
    for (Event event : eventsFor(path, publish.changes())) {
      Instant start = clock.instant();
      try {
        replicationLog.write(partition, event);
      } catch (ReplicationLogException e) {
        log.error("repo={} partition={} txn={}: {} not written after commit, mirrors miss it until "
            + "replicate-sync runs: {}", path, partition, publish.txnId(), event.kind().wireName(), e.getMessage());
        return HookReply.refuse(status, List.of(
            "replication log write failed after the transaction was committed: " + e.getMessage(),
            "(mirrors miss this change until `vcsreplicator replicate-sync` runs for " + publish.root() + ")"));
      }
      double seconds = Duration.between(start, clock.instant()).toNanos() / 1e9;
      log.info("repo={} partition={} txn={} wrote {}", path, partition, publish.txnId(), event.kind().wireName());
      statusLine(event, seconds).ifPresent(status::add);
    }
    return HookReply.allow(status);
  }

  private HookReply initCheck(InitCheck check) {
    try {
      router.route(check.path());
    } catch (RepoNotReplicatedException e) {
      return notReplicated(e);
    }
    // The original checks the log before creating the repo, on the lowest mapped partition.
    int partition = router.lowestPartition();
    try {
      replicationLog.write(partition, new Heartbeat());
      return HookReply.allow();
    } catch (ReplicationLogException e) {
      log.warn("refused hg init of {} (heartbeat to partition {}): {}", check.path(), partition, e.getMessage());
      return HookReply.refuse(UNAVAILABLE_AT_OPEN);
    }
  }

  private HookReply initDone(InitDone done) {
    Route route;
    try {
      route = router.route(done.path());
    } catch (RepoNotReplicatedException e) {
      return notReplicated(e);
    }
    Event event = new RepoInitV2(route.path(), done.requirements().contains("generaldelta"));
    try {
      replicationLog.write(route.partition(), event);
    } catch (ReplicationLogException e) {
      log.error("repo={} partition={}: repository created but hg-repo-init-2 not written: {}",
          route.path(), route.partition(), e.getMessage());
      return HookReply.refuse(List.of(), List.of(
          "repository created but not recorded in the replication log: " + e.getMessage()));
    }
    log.info("repo={} partition={} wrote {}", route.path(), route.partition(), event.kind().wireName());
    return HookReply.allow(RECORDED_INIT);
  }

  private static HookReply notReplicated(RepoNotReplicatedException e) {
    log.warn("refused hook for {}: {}", e.repo(), e.getMessage());
    return HookReply.abort(e.getMessage(), e.hint());
  }

  /** The events one committed transaction produces, in log order. Pure. */
  static List<Event> eventsFor(WirePath path, TransactionChanges changes) {
    List<Event> events = new ArrayList<>();
    if (changes.newChangesets().isPresent()) {
      TransactionChanges.NewChangesets added = changes.newChangesets().get();
      events.add(new ChangegroupV2(path, changes.source(), added.nodecount(), added.heads()));
    } else {
      for (BookmarkMove move : changes.bookmarks()) {
        events.add(new Pushkey(path, Pushkey.BOOKMARKS, move.name(),
            move.oldNode().map(Object::toString).orElse(""),
            move.newNode().map(Object::toString).orElse(""), 0));
      }
      for (PhaseMove move : changes.phases()) {
        events.add(new Pushkey(path, Pushkey.PHASES, move.node().hex(),
            Integer.toString(move.oldPhase()), Integer.toString(move.newPhase()), 0));
      }
    }
    changes.obsolete().forEach((key, value) -> events.add(new Pushkey(path, Pushkey.OBSOLETE, key, "", value, 0)));
    if (changes.servedHeads().changed()) {
      events.add(new Heads(path, changes.servedHeads().after(), changes.servedHeads().lastPushId()));
    }
    return events;
  }

  private static Optional<String> statusLine(Event event, double seconds) {
    if (event instanceof ChangegroupV2) {
      return Optional.of(String.format(Locale.ROOT, "recorded changegroup in replication log in %.3fs", seconds));
    }
    if (event instanceof Pushkey pushkey) {
      return Optional.of(String.format(Locale.ROOT, "recorded updates to %s in replication log in %.3fs",
          pushkey.namespace(), seconds));
    }
    return Optional.empty();
  }
}
