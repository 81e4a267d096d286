package org.vcsreplicator.offsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The consumer lag check's lines and statuses, after test-check-consumer-lag.t: an 8-partition
 * topic, one record on partitions 0 and 2.
 *
 * @see org.vcsreplicator.cli.LagCommandsIT the same cases through the real broker
 */
class ConsumerLagCheckTest {

  private static final LagThresholds DEFAULTS = LagThresholds.DEFAULTS;

  /** Two partitions one message behind, the oldest unapplied message {@code seconds} old. */
  private static List<LagReading> twoBehind(double seconds) {
    return Readings.empty(8).behind(0, 0, 1, seconds).behind(2, 0, 1, seconds).build();
  }

  private static List<String> report(String summary, List<String> partitionLines) {
    List<String> lines = new ArrayList<>();
    lines.add(summary);
    lines.add("");
    lines.addAll(partitionLines);
    lines.add("");
    lines.addAll(ConsumerLagCheck.FOOTER);
    return lines;
  }

  /** Partition lines for twoBehind: the given labels for the count and time lines of 0 and 2. */
  private static List<String> twoBehindLines(String countLabel, String timeLabel, String seconds) {
    List<String> lines = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      if (p == 0 || p == 2) {
        lines.add(countLabel + " - partition " + p + " is 1 messages behind (0/1)");
        lines.add(timeLabel + " - partition " + p + " is " + seconds + " seconds behind");
      } else {
        lines.add("OK - partition " + p + " is completely in sync (0/0)");
      }
    }
    return lines;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("lagging within tolerance", twoBehind(1.234), DEFAULTS, CheckStatus.OK,
            report("OK - 2/8 consumers out of sync but within tolerances", twoBehindLines("OK", "OK", "1.234"))),
        Arguments.of("warning by count (inclusive)", twoBehind(1.234), new LagThresholds(1, 150, 600, 600),
            CheckStatus.WARNING,
            report("WARNING - 2/8 partitions out of sync", twoBehindLines("WARNING", "OK", "1.234"))),
        Arguments.of("critical by count (inclusive)", twoBehind(1.234), new LagThresholds(150, 150, 1, 600),
            CheckStatus.CRITICAL,
            report("CRITICAL - 2/8 partitions out of sync", twoBehindLines("CRITICAL", "OK", "1.234"))),
        Arguments.of("warning by time, float threshold", twoBehind(1.0005), new LagThresholds(150, 0.9, 600, 600),
            CheckStatus.WARNING,
            report("WARNING - 2/8 partitions out of sync", twoBehindLines("OK", "WARNING", "1.000"))),
        Arguments.of("critical by time, float threshold", twoBehind(1.0005), new LagThresholds(150, 150, 600, 0.9),
            CheckStatus.CRITICAL,
            report("CRITICAL - 2/8 partitions out of sync", twoBehindLines("OK", "CRITICAL", "1.000"))),
        Arguments.of("time threshold reached exactly", twoBehind(1.25), new LagThresholds(150, 1.25, 600, 600),
            CheckStatus.WARNING,
            report("WARNING - 2/8 partitions out of sync", twoBehindLines("OK", "WARNING", "1.250"))),
        Arguments.of("just under the time threshold", twoBehind(1.2499), new LagThresholds(150, 1.25, 600, 600),
            CheckStatus.OK,
            report("OK - 2/8 consumers out of sync but within tolerances", twoBehindLines("OK", "OK", "1.250"))),
        Arguments.of("critical count beats warning time", twoBehind(1.25), new LagThresholds(150, 1, 1, 600),
            CheckStatus.CRITICAL,
            report("CRITICAL - 2/8 partitions out of sync", twoBehindLines("CRITICAL", "WARNING", "1.250"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void ratesPartitions(String name, List<LagReading> readings, LagThresholds thresholds, CheckStatus status, List<String> lines) {
    CheckReport report = ConsumerLagCheck.evaluate(readings, thresholds);
    assertEquals(lines, report.lines());
    assertEquals(status, report.status());
  }

  @Test
  void inSyncIsTheOriginalsOutput() {
    CheckReport report = ConsumerLagCheck.evaluate(Readings.empty(8).inSync(0, 1).inSync(2, 1).build(), DEFAULTS);
    assertEquals(List.of(
        "OK - 8/8 consumers completely in sync",
        "",
        "OK - partition 0 is completely in sync (1/1)",
        "OK - partition 1 is completely in sync (0/0)",
        "OK - partition 2 is completely in sync (1/1)",
        "OK - partition 3 is completely in sync (0/0)",
        "OK - partition 4 is completely in sync (0/0)",
        "OK - partition 5 is completely in sync (0/0)",
        "OK - partition 6 is completely in sync (0/0)",
        "OK - partition 7 is completely in sync (0/0)",
        "",
        ConsumerLagCheck.FOOTER.get(0),
        ConsumerLagCheck.FOOTER.get(1)), report.lines());
    assertEquals(0, report.exitCode());
  }

  @Test
  void defaultThresholdsAt150And600Messages() {
    List<LagReading> r = Readings.empty(3).behind(0, 0, 149, 1).behind(1, 10, 160, 1).build();
    assertEquals(CheckStatus.WARNING, ConsumerLagCheck.evaluate(r, DEFAULTS).status());
    assertEquals("OK - partition 0 is 149 messages behind (0/149)", ConsumerLagCheck.evaluate(r, DEFAULTS).lines().get(2));
    assertEquals("WARNING - partition 1 is 150 messages behind (10/160)", ConsumerLagCheck.evaluate(r, DEFAULTS).lines().get(4));
    r = Readings.empty(1).behind(0, 0, 600, 1).build();
    assertEquals("CRITICAL - 1/1 partitions out of sync", ConsumerLagCheck.evaluate(r, DEFAULTS).lines().get(0));
  }

  @Test
  void unreadableLagTimeIsReportedButDoesNotChangeTheStatus() {
    CheckReport report = ConsumerLagCheck.evaluate(Readings.empty(2).unreadable(1, 4, 5).build(), DEFAULTS);
    assertEquals(report("OK - 1/2 consumers out of sync but within tolerances", List.of(
        "OK - partition 0 is completely in sync (0/0)",
        "OK - partition 1 is 1 messages behind (4/5)",
        "WARNING - could not determine lag time for partition 1")), report.lines());
    assertEquals(CheckStatus.OK, report.status());
  }

  @Test
  void unreadableLagTimeStillRatesTheCount() {
    CheckReport report = ConsumerLagCheck.evaluate(Readings.empty(1).unreadable(0, 0, 700).build(), DEFAULTS);
    assertEquals(CheckStatus.CRITICAL, report.status());
    assertEquals("CRITICAL - partition 0 is 700 messages behind (0/700)", report.lines().get(2));
  }

  @Test
  void negativeLagTimeMeansClockDriftAndWarnsOnce() {
    CheckReport report = ConsumerLagCheck.evaluate(Readings.empty(3).behind(0, 0, 1, -2.5).behind(2, 0, 1, -0.0004).build(), DEFAULTS);
    assertEquals(report("WARNING - 2/3 partitions out of sync", List.of(
        "OK - partition 0 is 1 messages behind (0/1)",
        "OK - partition 0 is -2.500 seconds behind",
        "WARNING - clock drift of -2.500 seconds between producer and consumer; check NTP sync",
        "OK - partition 1 is completely in sync (0/0)",
        "OK - partition 2 is 1 messages behind (0/1)",
        "OK - partition 2 is -0.000 seconds behind")), report.lines());
    assertEquals(1, report.exitCode());
  }

  @Test
  void partitionsAreReportedInOrderWhateverTheInputOrder() {
    List<LagReading> r = new ArrayList<>(Readings.empty(3).behind(1, 0, 2, 3).build());
    java.util.Collections.reverse(r);
    CheckReport report = ConsumerLagCheck.evaluate(r, DEFAULTS);
    assertEquals("OK - partition 0 is completely in sync (0/0)", report.lines().get(2));
    assertEquals("OK - partition 2 is completely in sync (0/0)", report.lines().get(5));
  }

  @Test
  void unknownIsOneLine() {
    CheckReport report = CheckReport.unknown("cannot read\n  offsets");
    assertEquals(List.of("UNKNOWN - cannot read offsets"), report.lines());
    assertEquals(3, report.exitCode());
  }

  @Test
  void telegrafIsTheOriginalsJson() {
    assertEquals("[{\"available\": 1, \"lag_time\": 1.25, \"offset\": 0, \"partition\": 0}, "
            + "{\"available\": 0, \"lag_time\": 0.0, \"offset\": 0, \"partition\": 1}, "
            + "{\"available\": 1, \"lag_time\": 0.0, \"offset\": 1, \"partition\": 2}, "
            + "{\"available\": 9, \"lag_time\": null, \"offset\": 3, \"partition\": 3}]",
        ConsumerLagCheck.telegraf(Readings.empty(4).behind(0, 0, 1, 1.25).inSync(2, 1).unreadable(3, 3, 9).build()));
  }
}
