package org.vcsreplicator.producer;

import org.vcsreplicator.message.Event;

/**
 * Where the producer writes events: the replication log (Kafka topic {@code pushdata} in
 * production). Implementations stamp {@code _created} and must be thread-safe: the daemon
 * serves several hg processes at once.
 */
public interface ReplicationLog {

  /**
   * Writes one event to a partition and returns once the log has acknowledged it (as durable as
   * the configured acks make it). Never returns before that; throws instead.
   *
   * @throws ReplicationLogException when the log did not acknowledge the event in time
   */
  void write(int partition, Event event) throws ReplicationLogException;
}
