package org.vcsreplicator.consumer;

/**
 * The logger name of every consumer log line. It is the Python original's ({@code
 * vcsreplicator.consumer}) so that log scraping, runbooks and the original's tests' expectations
 * keep working line for line.
 */
public final class ConsumerLog {
  public static final String NAME = "vcsreplicator.consumer";

  private ConsumerLog() {}
}
