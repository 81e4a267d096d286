package org.vcsreplicator.aggregator;

/** The logger name of the aggregator's operator-facing lines: the original's, so runbooks match. */
public final class AggregatorLog {
  /** {@value}: every line of the aggregator daemon is logged under this name. */
  public static final String NAME = "vcsreplicator.aggregator";

  private AggregatorLog() {}
}
