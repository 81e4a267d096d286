package org.vcsreplicator.aggregator;

import java.util.List;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;

/** Where the aggregator learns what to copy; {@link AggregationStatusReader} reads it from Kafka. */
@FunctionalInterface
public interface AggregationStatusSource {

  /**
   * The current status of the monitored topic for these groups.
   *
   * @param groups the monitored consumer groups; never empty
   * @return never null
   * @throws ReplicationLogUnavailableException when the offsets cannot be read
   */
  AggregationStatus read(List<String> groups) throws ReplicationLogUnavailableException;
}
