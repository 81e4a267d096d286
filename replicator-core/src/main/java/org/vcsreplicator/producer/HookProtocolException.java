package org.vcsreplicator.producer;

/** A hook request the daemon cannot read: not JSON, unknown op, a missing or ill-typed field. */
public class HookProtocolException extends Exception {
  public HookProtocolException(String message) {
    super(message);
  }

  public HookProtocolException(String message, Throwable cause) {
    super(message, cause);
  }
}
