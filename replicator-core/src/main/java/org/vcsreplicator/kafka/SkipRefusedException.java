package org.vcsreplicator.kafka;

/**
 * {@code --skip --offset N} found the next pending event elsewhere: nothing was recorded or
 * committed.
 */
public final class SkipRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  public SkipRefusedException(String message) {
    super(message);
  }
}
