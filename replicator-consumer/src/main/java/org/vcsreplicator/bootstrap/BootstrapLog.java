package org.vcsreplicator.bootstrap;

/** The logger name of the bootstrap's lines, the original's: runbooks grep for it. */
public final class BootstrapLog {
  public static final String NAME = "vcsreplicator.bootstrap";

  private BootstrapLog() {}
}
