package org.vcsreplicator.aggregator;

/**
 * Where aggregation stands on one partition of the monitored topic.
 *
 * <p>Offsets are Kafka's "next offset to read". Records in {@code [ackedOffset, consumedOffset)}
 * have been applied by every monitored group but not yet copied by the aggregator.
 *
 * @param partition the partition of the monitored topic
 * @param beginningOffset the oldest offset still in the log
 * @param endOffset the offset the next record written will get
 * @param consumedOffset the smallest committed offset of the monitored groups: every record below
 *     it is acknowledged by all of them (the original's "fully consumed" offset)
 * @param ackedOffset the aggregator's own committed offset: every record below it has been copied
 */
public record PartitionStatus(int partition, long beginningOffset, long endOffset, long consumedOffset, long ackedOffset) {

  public PartitionStatus {
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
    if (beginningOffset < 0 || endOffset < beginningOffset || consumedOffset < 0 || ackedOffset < 0) {
      throw new IllegalArgumentException("bad offsets for partition " + partition + ": beginning " + beginningOffset
          + ", end " + endOffset + ", consumed " + consumedOffset + ", acked " + ackedOffset);
    }
  }

  /**
   * Records acknowledged by every monitored group but not yet copied, as the lag check counts
   * them ({@code consumed - acked}, or 0 when the aggregator is not behind).
   */
  public long behind() {
    return Math.max(0, consumedOffset - ackedOffset);
  }

  /**
   * First offset to copy: the aggregator's offset, or the log's beginning when retention removed
   * records the aggregator never copied (they cannot be read any more).
   */
  public long copyFrom() {
    return Math.max(ackedOffset, beginningOffset);
  }

  /**
   * Offset to copy up to, exclusive: the fully consumed offset, but never past the end of the log
   * (a group can hold an offset beyond it only after the topic was recreated or a bad manual reset;
   * waiting for records that will not come would wedge the aggregator).
   */
  public long copyTo() {
    return Math.min(consumedOffset, endOffset);
  }

  /** How many records the aggregator copies from this partition now; never negative. */
  public long toCopy() {
    return Math.max(0, copyTo() - copyFrom());
  }

  /** Records below the log's beginning that were never copied (removed by retention); never negative. */
  public long lostToRetention() {
    return Math.max(0, Math.min(consumedOffset, beginningOffset) - ackedOffset);
  }
}
