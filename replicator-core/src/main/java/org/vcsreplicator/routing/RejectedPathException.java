package org.vcsreplicator.routing;

import java.util.Objects;

/**
 * A wire path that must not be acted on: a permanent error for the event that carries it (SPEC
 * rule 6). Retrying cannot help; the consumer parks the repository and says so.
 */
public abstract sealed class RejectedPathException extends RuntimeException
    permits PathEscapesRootException, UnmappedPathException {
  private final String wirePath;

  RejectedPathException(String wirePath, String message) {
    super(message);
    this.wirePath = Objects.requireNonNull(wirePath, "wirePath");
  }

  /** The offending wire path as it came in the message, never null. */
  public String wirePath() {
    return wirePath;
  }
}
