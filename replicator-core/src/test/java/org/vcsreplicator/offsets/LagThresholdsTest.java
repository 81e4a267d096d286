package org.vcsreplicator.offsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LagThresholdsTest {

  @ParameterizedTest(name = "{0} messages -> {1}")
  @CsvSource({"0, OK", "149, OK", "150, WARNING", "599, WARNING", "600, CRITICAL", "100000, CRITICAL"})
  void defaultCountThresholdsAreInclusive(long messages, CheckStatus expected) {
    assertEquals(expected, LagThresholds.DEFAULTS.forCount(messages));
  }

  @ParameterizedTest(name = "{0} s -> {1}")
  @CsvSource({"-3.0, OK", "0.0, OK", "149.999, OK", "150.0, WARNING", "599.9999, WARNING", "600.0, CRITICAL"})
  void defaultTimeThresholdsAreInclusive(double seconds, CheckStatus expected) {
    assertEquals(expected, LagThresholds.DEFAULTS.forTime(seconds));
  }

  @ParameterizedTest(name = "warning {0}, critical {1}, lag {2} s -> {3}")
  @CsvSource({
      "0.9, 600, 0.899, OK",
      "0.9, 600, 0.9, WARNING",
      "0.9, 600, 1.0, WARNING",
      "150, 0.9, 0.9, CRITICAL",
      // Critical is tested first, so a critical threshold below the warning one still wins.
      "10, 5, 7, CRITICAL",
  })
  void floatTimeThresholds(double warning, double critical, double seconds, CheckStatus expected) {
    assertEquals(expected, new LagThresholds(150, warning, 600, critical).forTime(seconds));
  }

  @Test
  void fractionalCountThresholdRoundsUpInEffect() {
    LagThresholds t = new LagThresholds(1.5, 150, 600, 600);
    assertEquals(CheckStatus.OK, t.forCount(1));
    assertEquals(CheckStatus.WARNING, t.forCount(2));
  }

  @Test
  void nanThresholdIsRejectedBecauseItWouldDisableTheCheck() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new LagThresholds(150, Double.NaN, 600, 600));
    assertEquals("warning lag time threshold is not a number", e.getMessage());
  }

  @Test
  void worstStatus() {
    assertEquals(CheckStatus.WARNING, CheckStatus.OK.worst(CheckStatus.WARNING));
    assertEquals(CheckStatus.CRITICAL, CheckStatus.CRITICAL.worst(CheckStatus.WARNING));
    assertEquals(3, CheckStatus.UNKNOWN.exitCode());
  }
}
