package org.vcsreplicator.consumer;

/**
 * A wire path that cannot be placed on this mirror: it escapes its root after rewriting (SPEC rule
 * 6) or no rewrite maps it. Permanent for the event that carries it.
 */
public final class RepoLocationException extends Exception {
  private static final long serialVersionUID = 1L;

  public RepoLocationException(String message) {
    super(message);
  }

  public RepoLocationException(String message, Throwable cause) {
    super(message, cause);
  }
}
