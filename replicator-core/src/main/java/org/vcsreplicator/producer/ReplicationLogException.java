package org.vcsreplicator.producer;

/** The replication log did not acknowledge a write (broker down, timeout, not enough replicas). */
public class ReplicationLogException extends Exception {
  public ReplicationLogException(String message, Throwable cause) {
    super(message, cause);
  }

  public ReplicationLogException(String message) {
    super(message);
  }
}
