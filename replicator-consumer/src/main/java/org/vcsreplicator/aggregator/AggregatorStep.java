package org.vcsreplicator.aggregator;

import java.util.function.BooleanSupplier;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;

/** One poll of the aggregator; {@link Aggregator} is the real one, tests drive the loop with fakes. */
@FunctionalInterface
public interface AggregatorStep {

  /**
   * Copies what is pending.
   *
   * @param stopRequested checked between records; true asks to return after the record in hand
   * @return how many records were copied
   * @throws ReplicationLogUnavailableException on a transient Kafka failure
   */
  int synchronize(BooleanSupplier stopRequested) throws ReplicationLogUnavailableException;
}
