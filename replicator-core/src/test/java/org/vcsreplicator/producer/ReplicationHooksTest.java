package org.vcsreplicator.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.producer.FakeReplicationLog.Written;
import org.vcsreplicator.routing.PartitionMap;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.ProducerPathRewrites;
import org.vcsreplicator.producer.TransactionChanges.BookmarkMove;
import org.vcsreplicator.producer.TransactionChanges.NewChangesets;
import org.vcsreplicator.producer.TransactionChanges.PhaseMove;
import org.vcsreplicator.producer.TransactionChanges.ServedHeads;

/** @see org.vcsreplicator.cli.ProducerHooksIT the same decisions through real hg and Kafka */
class ReplicationHooksTest {
  static final String A = "77538e1ce4bec5f7aac58a7ceca2da0e38e90a72";
  static final String B = "4b11352745a6b3eb429ca8cd64dc6d6dd5b5e1c8";
  static final String C = "4c9443886fe84db9a4a5f29a5c9ae4e2f9f2c1a0";
  static final Path MC = Path.of("/repo/hg/mozilla/mozilla-central");
  static final WirePath MC_WIRE = WirePath.of("{moz}/mozilla-central");

  /** /repo/hg/mozilla/X is {moz}/X; everything on partition 2 except the try repo on 4; 0 is the lowest partition. */
  static final RepoRouter ROUTER = RepoRouter.of(
      new ProducerPathRewrites(List.of(new PrefixRewrite("/repo/hg/mozilla/", "{moz}/"))),
      new PartitionMap(List.of(PartitionMap.Entry.parse("0try", "4:\\{moz\\}/try"),
          PartitionMap.Entry.parse("1main", "2:\\{moz\\}/.*"), PartitionMap.Entry.parse("2never", "0,7:nomatch"))));

  final FakeReplicationLog log = new FakeReplicationLog();
  final ReplicationHooks hooks =
      new ReplicationHooks(ROUTER, log, Clock.fixed(Instant.parse("2024-01-01T00:00:00Z"), ZoneOffset.UTC));

  static ServedHeads heads(List<String> before, List<String> after, OptionalLong pushId) {
    return new ServedHeads(Optional.of(before.stream().map(NodeId::of).toList()),
        after.stream().map(NodeId::of).toList(), pushId);
  }

  static TransactionChanges changes(Optional<NewChangesets> added, List<BookmarkMove> bookmarks,
      List<PhaseMove> phases, Map<String, String> obsolete, ServedHeads served) {
    return new TransactionChanges("serve", added, bookmarks, phases, new TreeMap<>(obsolete), served);
  }

  @Test
  void heartbeatOnTransactionOpenGoesToTheReposPartition() {
    HookReply reply = hooks.handle(new HookRequest.TxnOpen(MC, "TXN:1"));
    assertTrue(reply.ok());
    assertEquals(List.of(new Written(2, new Heartbeat())), log.written);
  }

  @Test
  void refusesTransactionOpenWhenTheLogIsDown() {
    log.down = true;
    HookReply reply = hooks.handle(new HookRequest.TxnOpen(MC, "TXN:1"));
    assertFalse(reply.ok());
    assertEquals(List.of("replication log not available; all writes disabled"), reply.warnings());
    assertTrue(reply.abort().isEmpty());
  }

  @Test
  void refusesTransactionCloseWhenTheLogIsDown() {
    log.down = true;
    HookReply reply = hooks.handle(new HookRequest.TxnClose(MC, "TXN:1"));
    assertFalse(reply.ok());
    assertEquals(List.of("replication log not available; cannot close transaction"), reply.warnings());
  }

  @Test
  void routesByPartitionMap() {
    hooks.handle(new HookRequest.TxnOpen(Path.of("/repo/hg/mozilla/try"), "TXN:1"));
    assertEquals(List.of(new Written(4, new Heartbeat())), log.written);
  }

  @Test
  void abortsWithHintForARepoNoRewriteMaps() {
    HookReply reply = hooks.handle(new HookRequest.TxnOpen(Path.of("/tmp/repo0"), "TXN:1"));
    assertFalse(reply.ok());
    assertEquals(Optional.of(new HookReply.Abort("repository path not configured for replication",
        Optional.of("add entry to [replicationpathrewrites]"))), reply.abort());
    assertTrue(log.written.isEmpty());
  }

  @Test
  void pushWritesChangegroupThenHeadsAndReportsIt() {
    TransactionChanges c = changes(Optional.of(new NewChangesets(1, NodeId.listOf(A))), List.of(), List.of(),
        Map.of(), heads(List.of(NodeId.NULL.hex()), List.of(A), OptionalLong.of(1)));
    HookReply reply = hooks.handle(new HookRequest.Publish(MC, "TXN:1", c));
    assertTrue(reply.ok());
    assertEquals(List.of(
        new Written(2, new ChangegroupV2(MC_WIRE, "serve", 1, NodeId.listOf(A))),
        new Written(2, new Heads(MC_WIRE, NodeId.listOf(A), OptionalLong.of(1)))), log.written);
    assertEquals(List.of("recorded changegroup in replication log in 0.000s"), reply.status());
  }

  @Test
  void pushWithChangesetsCarriesNoBookmarkOrPhasePushkeysButObsoleteMarkers() {
    TransactionChanges c = changes(Optional.of(new NewChangesets(2, NodeId.listOf(C, B))),
        List.of(new BookmarkMove("central", Optional.empty(), Optional.of(NodeId.of(B)))),
        List.of(new PhaseMove(NodeId.of(A), 1, 0)), Map.of("dump1", "xyz", "dump0", "abc"),
        heads(List.of(A), List.of(B, C), OptionalLong.empty()));
    hooks.handle(new HookRequest.Publish(MC, "TXN:1", c));
    assertEquals(List.of(
        new ChangegroupV2(MC_WIRE, "serve", 2, NodeId.listOf(C, B)),
        new Pushkey(MC_WIRE, "obsolete", "dump0", "", "abc", 0),
        new Pushkey(MC_WIRE, "obsolete", "dump1", "", "xyz", 0),
        new Heads(MC_WIRE, NodeId.listOf(B, C), OptionalLong.empty())),
        log.written.stream().map(Written::event).toList());
  }

  @Test
  void bookmarkOnlyPushWritesOnePushkeyPerBookmarkAndNoHeads() {
    TransactionChanges c = changes(Optional.empty(), List.of(
            new BookmarkMove("a", Optional.empty(), Optional.of(NodeId.of(A))),
            new BookmarkMove("b", Optional.of(NodeId.of(A)), Optional.empty())),
        List.of(), Map.of(), heads(List.of(A), List.of(A), OptionalLong.empty()));
    HookReply reply = hooks.handle(new HookRequest.Publish(MC, "TXN:1", c));
    assertEquals(List.of(
        new Pushkey(MC_WIRE, "bookmarks", "a", "", A, 0),
        new Pushkey(MC_WIRE, "bookmarks", "b", A, "", 0)),
        log.written.stream().map(Written::event).toList());
    assertEquals(List.of("recorded updates to bookmarks in replication log in 0.000s",
        "recorded updates to bookmarks in replication log in 0.000s"), reply.status());
  }

  @Test
  void phaseOnlyPushWritesPhasePushkeys() {
    TransactionChanges c = changes(Optional.empty(), List.of(), List.of(new PhaseMove(NodeId.of(A), 1, 0)),
        Map.of(), heads(List.of(A), List.of(A), OptionalLong.empty()));
    HookReply reply = hooks.handle(new HookRequest.Publish(MC, "TXN:1", c));
    assertEquals(List.of(new Written(2, new Pushkey(MC_WIRE, "phases", A, "1", "0", 0))), log.written);
    assertEquals(List.of("recorded updates to phases in replication log in 0.000s"), reply.status());
  }

  @Test
  void unknownHeadsBeforeCountAsChanged() {
    TransactionChanges c = new TransactionChanges("serve", Optional.empty(), List.of(), List.of(), new TreeMap<>(),
        new ServedHeads(Optional.empty(), NodeId.listOf(A), OptionalLong.empty()));
    hooks.handle(new HookRequest.Publish(MC, "TXN:1", c));
    assertEquals(List.of(new Written(2, new Heads(MC_WIRE, NodeId.listOf(A), OptionalLong.empty()))), log.written);
  }

  @Test
  void publishFailureWarnsThatTheCommittedChangeIsNotReplicated() {
    log.down = true;
    TransactionChanges c = changes(Optional.of(new NewChangesets(1, NodeId.listOf(A))), List.of(), List.of(),
        Map.of(), heads(List.of(), List.of(A), OptionalLong.empty()));
    HookReply reply = hooks.handle(new HookRequest.Publish(MC, "TXN:1", c));
    assertFalse(reply.ok());
    assertEquals(2, reply.warnings().size());
    assertTrue(reply.warnings().get(0).startsWith("replication log write failed after the transaction was committed: "));
  }

  @Test
  void initChecksTheLowestPartitionThenRecordsTheRepo() {
    Path repo = MC.resolveSibling("new-repo");
    assertTrue(hooks.handle(new HookRequest.InitCheck(repo)).ok());
    HookReply done = hooks.handle(new HookRequest.InitDone(repo, List.of("generaldelta", "store")));
    assertEquals(List.of("(recorded repository creation in replication log)"), done.status());
    assertEquals(List.of(new Written(0, new Heartbeat()),
        new Written(2, new RepoInitV2(WirePath.of("{moz}/new-repo"), true))), log.written);
  }

  @Test
  void initOfAnUnmappedPathAbortsBeforeTheRepoExists() {
    HookReply reply = hooks.handle(new HookRequest.InitCheck(Path.of("/tmp/repo0")));
    assertEquals("repository path not configured for replication", reply.abort().orElseThrow().message());
    assertTrue(log.written.isEmpty());
  }

  @Test
  void initRefusedWhenTheLogIsDown() {
    log.down = true;
    HookReply reply = hooks.handle(new HookRequest.InitCheck(MC));
    assertEquals(List.of("replication log not available; all writes disabled"), reply.warnings());
  }
}
