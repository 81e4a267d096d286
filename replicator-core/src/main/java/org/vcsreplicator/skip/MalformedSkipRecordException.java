package org.vcsreplicator.skip;

/** A value in the skip audit topic that is not a skip record this version can read. */
public final class MalformedSkipRecordException extends Exception {
  private static final long serialVersionUID = 1L;

  public MalformedSkipRecordException(String message) {
    super(message);
  }
}
