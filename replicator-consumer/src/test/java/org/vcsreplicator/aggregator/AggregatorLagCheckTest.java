package org.vcsreplicator.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.offsets.CheckReport;
import org.vcsreplicator.offsets.CheckStatus;

/** The check's lines, as test-check-aggregator-lag.t shows them. */
class AggregatorLagCheckTest {
  private static final AggregatorLagCheck DEFAULTS =
      new AggregatorLagCheck(AggregatorLagCheck.DEFAULT_WARNING_COUNT, AggregatorLagCheck.DEFAULT_CRITICAL_COUNT);

  /** 8 partitions at acked/consumed {@code 1/1}, except the given ones at {@code acked/consumed}. */
  private static AggregationStatus eight(long[]... overrides) {
    List<PartitionStatus> ps = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      long acked = 1;
      long consumed = 1;
      for (long[] o : overrides) {
        if (o[0] == p) {
          acked = o[1];
          consumed = o[2];
        }
      }
      ps.add(new PartitionStatus(p, 0, consumed, consumed, acked));
    }
    return new AggregationStatus(ps);
  }

  private static List<String> withFooter(String... lines) {
    List<String> out = new ArrayList<>(List.of(lines));
    out.add("");
    out.add("See https://mozilla-version-control-tools.readthedocs.io/en/latest/hgmo/ops.html");
    out.add("for details about this check.");
    return out;
  }

  @Test
  void inSync() {
    CheckReport r = DEFAULTS.report(eight());
    assertEquals(CheckStatus.OK, r.status());
    assertEquals(0, r.exitCode());
    assertEquals(withFooter(
        "OK - aggregator has copied all fully replicated messages",
        "",
        "OK - partition 0 is completely in sync (1/1)",
        "OK - partition 1 is completely in sync (1/1)",
        "OK - partition 2 is completely in sync (1/1)",
        "OK - partition 3 is completely in sync (1/1)",
        "OK - partition 4 is completely in sync (1/1)",
        "OK - partition 5 is completely in sync (1/1)",
        "OK - partition 6 is completely in sync (1/1)",
        "OK - partition 7 is completely in sync (1/1)"), r.lines());
  }

  private static final AggregationStatus TWO_BEHIND = eight(new long[] {0, 1, 2}, new long[] {2, 1, 2});

  private static List<String> twoBehind(String label) {
    return withFooter(
        label + " - 2 messages from 2 partitions behind",
        "",
        label + " - partition 0 is 1 messages behind (1/2)",
        "OK - partition 1 is completely in sync (1/1)",
        label + " - partition 2 is 1 messages behind (1/2)",
        "OK - partition 3 is completely in sync (1/1)",
        "OK - partition 4 is completely in sync (1/1)",
        "OK - partition 5 is completely in sync (1/1)",
        "OK - partition 6 is completely in sync (1/1)",
        "OK - partition 7 is completely in sync (1/1)");
  }

  @Test
  void behindWithinThresholds() {
    CheckReport r = DEFAULTS.report(TWO_BEHIND);
    assertEquals(0, r.exitCode());
    assertEquals(twoBehind("OK"), r.lines());
  }

  @Test
  void warningWhenTotalReachesWarningCount() {
    CheckReport r = new AggregatorLagCheck(1, 100).report(TWO_BEHIND);
    assertEquals(1, r.exitCode());
    assertEquals(twoBehind("WARNING"), r.lines());
  }

  @Test
  void criticalWhenTotalReachesCriticalCount() {
    CheckReport r = new AggregatorLagCheck(40, 1).report(TWO_BEHIND);
    assertEquals(2, r.exitCode());
    assertEquals(twoBehind("CRITICAL"), r.lines());
  }

  @Test
  void warningCountZeroInSyncStaysOk() {
    CheckReport r = new AggregatorLagCheck(0, 100).report(eight(new long[] {0, 2, 2}, new long[] {2, 2, 2}));
    assertEquals(0, r.exitCode());
    assertEquals("OK - aggregator has copied all fully replicated messages", r.lines().get(0));
    assertEquals("OK - partition 0 is completely in sync (2/2)", r.lines().get(2));
  }

  @Test
  void aggregatorAheadOfTheGroupsCountsAsInSync() {
    CheckReport r = DEFAULTS.report(new AggregationStatus(List.of(new PartitionStatus(0, 0, 9, 3, 9))));
    assertEquals("OK - partition 0 is completely in sync (9/3)", r.lines().get(2));
    assertEquals(0, r.exitCode());
  }

  @ParameterizedTest(name = "{0} behind with warning={1} critical={2} -> {3}")
  @CsvSource({
      "0,   40, 100, OK",
      "39,  40, 100, OK",
      "40,  40, 100, WARNING",
      "99,  40, 100, WARNING",
      "100, 40, 100, CRITICAL",
      "5,    0,   0, CRITICAL",
      "5,   10,   3, CRITICAL",
  })
  void thresholdsAreInclusive(long behind, long warning, long critical, CheckStatus expected) {
    AggregatorLagCheck check = new AggregatorLagCheck(warning, critical);
    assertEquals(expected, check.levelOf(behind));
    CheckReport r = check.report(new AggregationStatus(List.of(new PartitionStatus(0, 0, 200, behind, 0))));
    assertEquals(expected, r.status());
    assertEquals(expected.exitCode(), r.exitCode());
  }

  @Test
  void partitionLabelFollowsItsOwnCount() {
    AggregationStatus s = new AggregationStatus(List.of(
        new PartitionStatus(0, 0, 50, 50, 0),
        new PartitionStatus(1, 0, 50, 5, 0)));
    CheckReport r = DEFAULTS.report(s);
    assertEquals("WARNING - 55 messages from 2 partitions behind", r.lines().get(0));
    assertEquals("WARNING - partition 0 is 50 messages behind (0/50)", r.lines().get(2));
    assertEquals("OK - partition 1 is 5 messages behind (0/5)", r.lines().get(3));
  }

  @Test
  void telegrafIsTheOriginalsJson() {
    assertEquals("[{\"acked_offset\": 2, \"consumed_offset\": 2, \"partition\": 0}, "
            + "{\"acked_offset\": 1, \"consumed_offset\": 3, \"partition\": 1}]",
        AggregatorLagCheck.telegraf(new AggregationStatus(List.of(
            new PartitionStatus(0, 0, 2, 2, 2), new PartitionStatus(1, 0, 3, 3, 1)))));
    assertEquals("[]", AggregatorLagCheck.telegraf(new AggregationStatus(List.of())));
  }

  @Test
  void rejectsNegativeThresholds() {
    assertThrows(IllegalArgumentException.class, () -> new AggregatorLagCheck(-1, 100));
  }
}
