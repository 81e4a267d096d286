package org.vcsreplicator.offsets;

/**
 * Thresholds of the consumer lag check, by number of unapplied messages and by age in seconds of
 * the oldest unapplied message. A lag at or above a threshold reaches it (inclusive, as the
 * original); the critical threshold is tested first.
 *
 * @param warningCount messages behind from which a partition is WARNING; not NaN
 * @param warningTime seconds behind from which a partition is WARNING; not NaN
 * @param criticalCount messages behind from which a partition is CRITICAL; not NaN
 * @param criticalTime seconds behind from which a partition is CRITICAL; not NaN
 */
public record LagThresholds(double warningCount, double warningTime, double criticalCount, double criticalTime) {

  /** The original's defaults: warning at 150 messages or seconds, critical at 600. */
  public static final LagThresholds DEFAULTS = new LagThresholds(150, 150, 600, 600);

  public LagThresholds {
    requireNumber("warning lag count", warningCount);
    requireNumber("warning lag time", warningTime);
    requireNumber("critical lag count", criticalCount);
    requireNumber("critical lag time", criticalTime);
  }

  private static void requireNumber(String what, double value) {
    // NaN would compare false against every lag and silently disable the check.
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException(what + " threshold is not a number");
    }
  }

  /** The status of a partition {@code messages} behind; never null. */
  public CheckStatus forCount(long messages) {
    return classify(messages, warningCount, criticalCount);
  }

  /** The status of a partition whose oldest unapplied message is {@code seconds} old; never null. */
  public CheckStatus forTime(double seconds) {
    return classify(seconds, warningTime, criticalTime);
  }

  private static CheckStatus classify(double lag, double warning, double critical) {
    if (lag >= critical) {
      return CheckStatus.CRITICAL;
    }
    return lag >= warning ? CheckStatus.WARNING : CheckStatus.OK;
  }
}
