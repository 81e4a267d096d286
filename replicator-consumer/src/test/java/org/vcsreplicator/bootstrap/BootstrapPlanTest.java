package org.vcsreplicator.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;

/**
 * The decisions of a mirror bootstrap on the window of test-bootstrap.t and its edge cases.
 *
 * @see org.vcsreplicator.consumer.MirrorBootstrapIT the same with a real broker and real repositories
 */
class BootstrapPlanTest {
  static final WirePath DELETE = WirePath.of("{moz}/deleterepo");
  static final WirePath FILTER = WirePath.of("{moz}/filterrepo");
  static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  static final WirePath TEST = WirePath.of("{moz}/testrepo");
  static final NodeId N1 = NodeId.of("7a58fdf00b0fe1fa87fa052d9f78a8f28e1239e0");
  static final NodeId N2 = NodeId.of("89e594ce6b790e64021edfe272c70db75e7304ab");

  static final Function<WirePath, Optional<String>> TESTRULE =
      repo -> repo.equals(FILTER) ? Optional.of("testrule") : Optional.empty();

  final SortedMap<Integer, List<WindowRecord>> records = new TreeMap<>();

  static RepoSyncV2 sync(WirePath repo, boolean bootstrap) {
    return new RepoSyncV2(repo, List.of("store"), Optional.empty(), List.of(N1), bootstrap);
  }

  void add(int partition, Event... events) {
    List<WindowRecord> list = records.computeIfAbsent(partition, p -> new ArrayList<>());
    for (Event e : events) {
      list.add(WindowRecord.of(new RecordCoordinates("pushdata", partition, 100 + list.size()), e));
    }
  }

  static BootstrapSnapshot snapshot(WirePath... repos) {
    return new BootstrapSnapshot(new TreeMap<>(Map.of(0, new OffsetWindow(0, 0))), List.of(repos));
  }

  static List<Event> events(BootstrapPlan.RepoWork w) {
    return w.records().stream().map(r -> r.event().orElseThrow()).toList();
  }

  @Test
  void clonesEachRepoFromItsBootstrapSyncAndReplaysWhatCameAfter() {
    // test-bootstrap.t: partition 0 [6, 8), partition 2 [10, 16).
    add(0, sync(DELETE, true), sync(FILTER, true));
    ChangegroupV2 cg = new ChangegroupV2(MC, "serve", 1, List.of(N2));
    Heads heads = new Heads(MC, List.of(N2), OptionalLong.of(2));
    add(2, sync(MC, true), sync(TEST, true), new Heartbeat(), new Heartbeat(), cg, heads);

    BootstrapPlan plan;
    try (LogLines log = new LogLines()) {
      plan = BootstrapPlan.of(snapshot(DELETE, FILTER, MC, TEST), records, TESTRULE);
      assertEquals(List.of(
          "processing messages for partition 0",
          "scheduled clone for {moz}/deleterepo",
          "processing messages for partition 2",
          "scheduled clone for {moz}/mozilla-central",
          "scheduled clone for {moz}/testrepo",
          "extra messages found for {moz}/mozilla-central: 1 total",
          "extra messages found for {moz}/mozilla-central: 2 total"), log.lines());
    }

    assertEquals(List.of(DELETE, MC, TEST), plan.work().stream().map(BootstrapPlan.RepoWork::repo).toList());
    assertEquals(Optional.of(sync(MC, true)), plan.work().get(1).sync());
    assertEquals(List.of(cg, heads), events(plan.work().get(1)));
    assertEquals(List.of(), events(plan.work().get(2)));
    assertEquals(Map.of("{moz}/filterrepo", List.of("filtered by rule testrule")), plan.problems());
  }

  @Test
  void dropsARepositorysRecordsBeforeItsBootstrapSync() {
    add(2, new HgrcUpdate(MC, Optional.of("[x]\n")), new ChangegroupV2(MC, "serve", 1, List.of(N1)),
        sync(MC, false), sync(MC, true), new HgrcUpdate(MC, Optional.empty()));

    BootstrapPlan plan = BootstrapPlan.of(snapshot(MC), records, r -> Optional.empty());

    assertEquals(1, plan.work().size());
    assertEquals(List.of(new HgrcUpdate(MC, Optional.empty())), events(plan.work().get(0)));
  }

  @Test
  void reportsASnapshotRepositoryWithoutBootstrapSync() {
    add(2, sync(MC, true), sync(TEST, false));

    BootstrapPlan plan = BootstrapPlan.of(snapshot(MC, TEST), records, r -> Optional.empty());

    assertEquals(List.of(MC), plan.work().stream().map(BootstrapPlan.RepoWork::repo).toList());
    assertEquals(Map.of("{moz}/testrepo", List.of("did not receive sync message")), plan.problems());
  }

  @Test
  void replaysEveryRecordOfARepositoryCreatedDuringTheWindow() {
    WirePath fresh = WirePath.of("{moz}/fresh");
    WirePath freshFiltered = WirePath.of("{moz}/filterrepo");
    RepoInitV2 init = new RepoInitV2(fresh, true);
    ChangegroupV2 cg = new ChangegroupV2(fresh, "serve", 1, List.of(N1));
    add(2, sync(MC, true), init, new RepoInitV2(freshFiltered, true), cg);

    BootstrapPlan plan = BootstrapPlan.of(snapshot(MC), records, TESTRULE);

    assertEquals(List.of(MC, fresh), plan.work().stream().map(BootstrapPlan.RepoWork::repo).toList());
    assertEquals(Optional.empty(), plan.work().get(1).sync());
    assertEquals(List.of(init, cg), events(plan.work().get(1)));
    assertEquals(Map.of("{moz}/filterrepo", List.of("filtered by rule testrule")), plan.problems());
  }

  @Test
  void keepsAnUndecodableRecordInItsRepositorysReplayOrListsItByCoordinates() {
    add(2, sync(MC, true));
    RecordCoordinates keyed = new RecordCoordinates("pushdata", 2, 101);
    RecordCoordinates keyless = new RecordCoordinates("pushdata", 2, 102);
    records.get(2).add(WindowRecord.decode(keyed, MC.value().getBytes(StandardCharsets.UTF_8), "2\n{}".getBytes()));
    records.get(2).add(WindowRecord.decode(keyless, null, "garbage".getBytes()));

    BootstrapPlan plan = BootstrapPlan.of(snapshot(MC), records, r -> Optional.empty());

    assertEquals(1, plan.work().get(0).records().size());
    assertEquals(keyed, plan.work().get(0).records().get(0).at());
    assertEquals(List.of("partition 2 offset 102"), List.copyOf(plan.problems().keySet()));
  }
}
