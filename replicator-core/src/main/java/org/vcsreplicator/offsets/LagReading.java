package org.vcsreplicator.offsets;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Where one consumer group stands on one partition, as read from the cluster.
 *
 * @param topic never null
 * @param group never null
 * @param partition the partition number
 * @param offset the group's committed offset: the next record it will apply (the partition's
 *     beginning offset when the group never committed there)
 * @param available the partition's end offset: the offset the next record written will get
 * @param lagSeconds seconds from the {@code _created} of the record at {@code offset} (the oldest
 *     unapplied event) to the time of reading; {@code 0.0} when in sync; may be negative when the
 *     producer's clock is ahead; empty when that record could not be read; never null
 */
public record LagReading(String topic, String group, int partition, long offset, long available, OptionalDouble lagSeconds) {

  public LagReading {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(lagSeconds, "lagSeconds");
  }

  /** True when the group has applied everything written to the partition. */
  public boolean isInSync() {
    return offset >= available;
  }

  /** How many records the group still has to apply; never negative. */
  public long lagMessages() {
    return Math.max(0, available - offset);
  }
}
