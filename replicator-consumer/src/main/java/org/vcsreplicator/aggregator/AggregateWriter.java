package org.vcsreplicator.aggregator;

import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * Appends copied records to the aggregate topic (its single partition 0) and returns only once
 * the broker has acknowledged them. {@link KafkaAggregateWriter} is the Kafka implementation.
 */
public interface AggregateWriter extends AutoCloseable {

  /**
   * Writes one record and waits for the acknowledgement.
   *
   * @param key the record key, copied from the source record; may be null
   * @param value the record value; may be null only when the source value was
   * @return where the record was written; never null
   * @throws ReplicationLogUnavailableException when the write was not acknowledged in time (the
   *     record may still have been written: the caller must not commit, and a retry may duplicate)
   */
  RecordCoordinates write(byte[] key, byte[] value) throws ReplicationLogUnavailableException;

  @Override
  void close();
}
