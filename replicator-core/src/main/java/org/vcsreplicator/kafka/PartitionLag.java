package org.vcsreplicator.kafka;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * How far one consumer group is behind on one partition (what {@code print-offsets} and the lag
 * checks show).
 *
 * @param topic the topic; never null
 * @param group the consumer group; never null
 * @param partition the partition
 * @param committedOffset the next offset the group will read; the partition's beginning offset when
 *     the group never committed on it
 * @param endOffset the offset the next record written to the partition will get ("available")
 * @param lagMessages {@code endOffset - committedOffset}, never negative
 * @param lagSeconds seconds from the {@code _created} of the record at the committed offset (the
 *     oldest unapplied event) to now; {@code 0.0} when in sync; empty when that record could not be
 *     read or carries no readable {@code _created} (the original prints {@code error})
 */
public record PartitionLag(
    String topic,
    String group,
    int partition,
    long committedOffset,
    long endOffset,
    long lagMessages,
    OptionalDouble lagSeconds) {

  public PartitionLag {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(lagSeconds, "lagSeconds");
    if (lagMessages < 0) {
      throw new IllegalArgumentException("lag in messages is negative: " + lagMessages);
    }
  }

  /** True when the group has read everything written to the partition. */
  public boolean isInSync() {
    return lagMessages == 0;
  }
}
