package org.vcsreplicator.offsets;

/**
 * The outcome of a Nagios-style check, with the plugin exit code Nagios reads. Declared from best
 * to worst, so {@link #worst} is the later one.
 */
public enum CheckStatus {
  OK(0),
  WARNING(1),
  CRITICAL(2),
  /** The check could not tell: bad usage, unreadable configuration, Kafka not answering. */
  UNKNOWN(3);

  private final int exitCode;

  CheckStatus(int exitCode) {
    this.exitCode = exitCode;
  }

  /** The Nagios plugin exit code: 0, 1, 2 or 3. */
  public int exitCode() {
    return exitCode;
  }

  /** The worse of this and {@code other}; never null. */
  public CheckStatus worst(CheckStatus other) {
    return other.compareTo(this) > 0 ? other : this;
  }
}
