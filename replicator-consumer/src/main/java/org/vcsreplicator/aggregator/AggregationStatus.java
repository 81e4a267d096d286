package org.vcsreplicator.aggregator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import org.vcsreplicator.kafka.PartitionOffsets;

/**
 * Where aggregation stands on every partition of the monitored topic: which records every
 * monitored group has acknowledged, and which of those the aggregator has copied. The daemon
 * copies what this says; the lag check reports it. Pure arithmetic, no I/O.
 *
 * <p>Rules (the original's {@code get_aggregation_counts}):
 *
 * <ol>
 *   <li>A partition's consumed offset is the <em>smallest</em> committed offset of the monitored
 *       groups: a record is copied only once every mirror has applied it.
 *   <li>A group that never committed on a partition counts as committed at the partition's
 *       beginning offset (where it would start reading): it has acknowledged nothing there yet, so
 *       it holds copying back. The same holds for the aggregator's own group.
 * </ol>
 *
 * @param partitions one entry per partition, ascending; never null
 */
public record AggregationStatus(List<PartitionStatus> partitions) {

  public AggregationStatus {
    partitions = List.copyOf(partitions);
    for (int i = 1; i < partitions.size(); i++) {
      if (partitions.get(i - 1).partition() >= partitions.get(i).partition()) {
        throw new IllegalArgumentException("partitions must be ascending and unique: " + partitions);
      }
    }
  }

  /**
   * Computes the status from offsets read from the cluster.
   *
   * @param log beginning and end offset of every partition of the monitored topic; never null
   * @param groupOffsets for each monitored group, its committed offsets by partition (partitions it
   *     never committed on absent); never null, at least one group
   * @param ackOffsets the aggregator's committed offsets by partition (absent: never committed)
   * @return never null
   * @throws IllegalArgumentException when no group is given: with no group every record would
   *     count as acknowledged, and copying it would publish what no mirror has
   */
  public static AggregationStatus compute(
      SortedMap<Integer, PartitionOffsets> log,
      Map<String, ? extends Map<Integer, Long>> groupOffsets,
      Map<Integer, Long> ackOffsets) {
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(ackOffsets, "ackOffsets");
    if (groupOffsets.isEmpty()) {
      throw new IllegalArgumentException("at least one monitored consumer group is required");
    }
    List<PartitionStatus> out = new ArrayList<>(log.size());
    for (PartitionOffsets po : log.values()) {
      int p = po.partition();
      long consumed = Long.MAX_VALUE;
      for (Map<Integer, Long> committed : groupOffsets.values()) {
        consumed = Math.min(consumed, committed.getOrDefault(p, po.beginningOffset()));
      }
      long acked = ackOffsets.getOrDefault(p, po.beginningOffset());
      out.add(new PartitionStatus(p, po.beginningOffset(), po.endOffset(), consumed, acked));
    }
    return new AggregationStatus(out);
  }

  /** Total records every group acknowledged that the aggregator has not copied. */
  public long totalBehind() {
    return partitions.stream().mapToLong(PartitionStatus::behind).sum();
  }

  /** The partitions the aggregator is behind on, ascending; never null. */
  public List<PartitionStatus> partitionsBehind() {
    return partitions.stream().filter(p -> p.behind() > 0).toList();
  }

  /** Total records to copy now (see {@link PartitionStatus#toCopy()}). */
  public long totalToCopy() {
    return partitions.stream().mapToLong(PartitionStatus::toCopy).sum();
  }
}
