package org.vcsreplicator.kafka;

/**
 * The replication log could not be written or read in time: the broker is down or unreachable,
 * the topic or partition does not exist, too few in-sync replicas, a timeout, or the broker
 * refused the request. The message names the operation, the topic and the cause.
 *
 * <p>When writing, a timeout does not prove that nothing was written: the record may still be
 * appended after the caller gave up. Callers fail closed (SPEC 2.4: the push is refused) and rely
 * on replay being harmless (SPEC 2.3).
 */
public final class ReplicationLogUnavailableException extends Exception {

  public ReplicationLogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public ReplicationLogUnavailableException(String message) {
    super(message);
  }
}
