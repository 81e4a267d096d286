package org.vcsreplicator.bootstrap;

/**
 * The bootstrap cannot run or cannot finish as a whole (a bad snapshot, a missing repository root,
 * a master repository whose sync could not be written, an unreadable log window, a mirror group
 * with running consumers). Per-repository problems of a mirror bootstrap are not exceptions: they
 * go to the audit ({@link MirrorBootstrap.Result}).
 */
public final class BootstrapException extends Exception {
  private static final long serialVersionUID = 1L;

  public BootstrapException(String message) {
    super(message);
  }

  public BootstrapException(String message, Throwable cause) {
    super(message, cause);
  }
}
