package org.vcsreplicator.obsolete;

/**
 * Obsolescence marker data that cannot be decoded: bad base85, an unknown format version,
 * truncated or inconsistent markers, or SHA-256 node ids. Permanent: the same bytes never decode.
 */
public final class MalformedObsMarkersException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedObsMarkersException(String message) {
    super(message);
  }

  public MalformedObsMarkersException(String message, Throwable cause) {
    super(message, cause);
  }
}
