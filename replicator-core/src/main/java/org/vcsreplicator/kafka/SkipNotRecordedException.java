package org.vcsreplicator.kafka;

/**
 * A skip (or replay) record could not be written to the audit topic and acknowledged. For a skip,
 * nothing was committed: the event is still pending (SPEC rule 2: no unrecorded drop).
 */
public final class SkipNotRecordedException extends Exception {
  private static final long serialVersionUID = 1L;

  public SkipNotRecordedException(String message, Throwable cause) {
    super(message, cause);
  }
}
