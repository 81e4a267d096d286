package org.vcsreplicator.aggregator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.PartitionOffsets;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;

/**
 * Reads the offsets an {@link AggregationStatus} is computed from: the committed offsets of the
 * monitored groups and of the aggregator's group, then the log's offsets.
 *
 * <p>Committed offsets are read <em>before</em> the log's end offsets, so a group that commits
 * meanwhile can never appear to stand beyond the end of the log.
 *
 * <p>Thread-safe as the {@link OffsetsAdmin} is; does not own it.
 */
public final class AggregationStatusReader implements AggregationStatusSource {
  private final OffsetsAdmin admin;
  private final String topic;
  private final String ackGroup;

  /**
   * @param admin the cluster's offsets; not closed by this reader
   * @param topic the monitored topic
   * @param ackGroup the aggregator's own consumer group
   */
  public AggregationStatusReader(OffsetsAdmin admin, String topic, String ackGroup) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.ackGroup = Objects.requireNonNull(ackGroup, "ackGroup");
  }

  /**
   * {@inheritDoc}
   *
   * @throws ReplicationLogUnavailableException when the topic does not exist or the cluster does
   *     not answer in time
   */
  @Override
  public AggregationStatus read(List<String> groups) throws ReplicationLogUnavailableException {
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("at least one monitored consumer group is required");
    }
    Map<String, SortedMap<Integer, Long>> committed = new LinkedHashMap<>();
    for (String group : groups) {
      committed.put(group, admin.committedOffsets(group, topic));
    }
    SortedMap<Integer, Long> acked = admin.committedOffsets(ackGroup, topic);
    SortedMap<Integer, PartitionOffsets> log = admin.logOffsets(topic);
    return AggregationStatus.compute(log, committed, acked);
  }

  /** The monitored topic; never null. */
  public String topic() {
    return topic;
  }
}
