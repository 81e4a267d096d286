package org.vcsreplicator.kafka;

import java.util.Objects;

/**
 * The range of offsets a partition holds now.
 *
 * @param topic the topic; never null
 * @param partition the partition
 * @param beginningOffset the offset of the oldest record still in the log (equals
 *     {@code endOffset} when the partition is empty)
 * @param endOffset the offset the next record written will get
 */
public record PartitionOffsets(String topic, int partition, long beginningOffset, long endOffset) {
  public PartitionOffsets {
    Objects.requireNonNull(topic, "topic");
    if (beginningOffset < 0 || endOffset < beginningOffset) {
      throw new IllegalArgumentException(
          "bad offsets for " + topic + "-" + partition + ": beginning " + beginningOffset + ", end " + endOffset);
    }
  }
}
