package org.vcsreplicator.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.kafka.PartitionOffsets;

/**
 * The copy-window arithmetic.
 *
 * @see AggregatorIT
 */
class AggregationStatusTest {

  private static SortedMap<Integer, PartitionOffsets> log(long[]... beginEnd) {
    SortedMap<Integer, PartitionOffsets> out = new TreeMap<>();
    for (int p = 0; p < beginEnd.length; p++) {
      out.put(p, new PartitionOffsets("t", p, beginEnd[p][0], beginEnd[p][1]));
    }
    return out;
  }

  private static Map<Integer, Long> offsets(Object... partitionOffset) {
    Map<Integer, Long> out = new TreeMap<>();
    for (int i = 0; i < partitionOffset.length; i += 2) {
      out.put((Integer) partitionOffset[i], ((Number) partitionOffset[i + 1]).longValue());
    }
    return out;
  }

  @Test
  void consumedIsTheSmallestOffsetOfAllGroups() {
    Map<String, Map<Integer, Long>> groups = new LinkedHashMap<>();
    groups.put("hgweb1", offsets(0, 5L, 1, 3L));
    groups.put("hgweb2", offsets(0, 4L, 1, 7L));
    AggregationStatus s = AggregationStatus.compute(log(new long[] {0, 9}, new long[] {0, 9}), groups, offsets(0, 1L, 1, 3L));
    assertEquals(List.of(
        new PartitionStatus(0, 0, 9, 4, 1),
        new PartitionStatus(1, 0, 9, 3, 3)), s.partitions());
    assertEquals(3, s.partitions().get(0).behind());
    assertEquals(0, s.partitions().get(1).behind());
    assertEquals(3, s.totalBehind());
    assertEquals(List.of(s.partitions().get(0)), s.partitionsBehind());
  }

  @Test
  void groupThatNeverCommittedOnAPartitionHoldsItAtItsBeginning() {
    Map<String, Map<Integer, Long>> groups = new LinkedHashMap<>();
    groups.put("old-mirror", offsets(0, 5L, 1, 5L));
    groups.put("new-mirror", offsets(0, 5L));
    AggregationStatus s = AggregationStatus.compute(log(new long[] {0, 5}, new long[] {2, 5}), groups, offsets());
    assertEquals(5, s.partitions().get(0).consumedOffset());
    assertEquals(0, s.partitions().get(0).ackedOffset(), "aggregator never committed: partition beginning");
    assertEquals(5, s.partitions().get(0).toCopy());
    assertEquals(2, s.partitions().get(1).consumedOffset(), "new mirror never committed on 1: its beginning");
    assertEquals(2, s.partitions().get(1).ackedOffset());
    assertEquals(0, s.partitions().get(1).toCopy());
  }

  @Test
  void noGroupsIsRefusedRatherThanCopyingEverything() {
    assertThrows(IllegalArgumentException.class,
        () -> AggregationStatus.compute(log(new long[] {0, 3}), Map.of(), offsets()));
  }

  @ParameterizedTest(name = "begin={0} end={1} consumed={2} acked={3}")
  @CsvSource({
      // begin, end, consumed, acked -> behind, copyFrom, copyTo, toCopy, lostToRetention
      "0, 10, 10, 10,   0, 10, 10, 0, 0",   // in sync
      "0, 10,  7,  3,   4,  3,  7, 4, 0",   // behind
      "0, 10,  3,  7,   0,  7,  3, 0, 0",   // aggregator ahead (a group reset back): never rewinds
      "5, 10,  8,  2,   6,  5,  8, 3, 3",   // retention removed 2..4 before they were copied
      "5, 10,  4,  2,   2,  5,  4, 0, 2",   // even the consumed offset is below the log start
      "0, 10, 12,  9,   3,  9, 10, 1, 0",   // a group beyond the end: copy up to the end only
      "0,  0,  0,  0,   0,  0,  0, 0, 0",   // empty partition
  })
  void windowArithmetic(long begin, long end, long consumed, long acked,
      long behind, long copyFrom, long copyTo, long toCopy, long lost) {
    PartitionStatus p = new PartitionStatus(3, begin, end, consumed, acked);
    assertEquals(behind, p.behind(), "behind");
    assertEquals(copyFrom, p.copyFrom(), "copyFrom");
    assertEquals(copyTo, p.copyTo(), "copyTo");
    assertEquals(toCopy, p.toCopy(), "toCopy");
    assertEquals(lost, p.lostToRetention(), "lostToRetention");
  }

  @Test
  void partitionsMustBeAscending() {
    assertThrows(IllegalArgumentException.class, () -> new AggregationStatus(List.of(
        new PartitionStatus(1, 0, 0, 0, 0), new PartitionStatus(0, 0, 0, 0, 0))));
  }

  @Test
  void rejectsNegativeOffsets() {
    assertThrows(IllegalArgumentException.class, () -> new PartitionStatus(0, 0, 1, -1, 0));
  }
}
