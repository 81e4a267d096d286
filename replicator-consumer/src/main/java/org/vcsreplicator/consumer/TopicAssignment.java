package org.vcsreplicator.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Static assignment of a consumer to the partitions of the replication topic, and the start
 * positions the original used: the group's committed offset, or the beginning of the partition
 * when the group has none; {@code --start-from N} overrides both.
 *
 * <p>Static ({@code assign}, not {@code subscribe}): the group id only names whose offsets are
 * committed. No group membership means no session to lose during a long {@code hg pull} and no
 * rebalance that could hand an event in progress to another process.
 *
 * <p>Not thread-safe: use it on the thread that owns the consumer.
 */
public final class TopicAssignment {

  /** How long to wait for the topic to appear, as the original's {@code wait_for_topic}. */
  public static final Duration TOPIC_WAIT = Duration.ofSeconds(30);

  private final String topic;
  private final List<TopicPartition> partitions;

  private TopicAssignment(String topic, List<TopicPartition> partitions) {
    this.topic = topic;
    this.partitions = List.copyOf(partitions);
  }

  /**
   * Finds the partitions (all of the topic, or only {@code partition}), assigns them to {@code
   * consumer} and seeks each to its start position.
   *
   * @param consumer an unassigned consumer configured with the group id whose offsets count
   * @param topic the replication topic
   * @param partition one partition, or empty for all of them
   * @param startFrom an absolute offset to start every assigned partition at instead of the
   *     committed one (clamped to the partition's first available offset); empty for the default
   * @param clock for the topic wait's deadline
   * @return never null
   * @throws IllegalArgumentException when the topic does not exist (after waiting) or has no such
   *     partition
   */
  public static TopicAssignment assign(Consumer<?, ?> consumer, String topic, Optional<Integer> partition,
      OptionalLong startFrom, Clock clock) {
    List<TopicPartition> all = waitForPartitions(consumer, topic, clock);
    List<TopicPartition> chosen;
    if (partition.isPresent()) {
      TopicPartition wanted = new TopicPartition(topic, partition.get());
      if (!all.contains(wanted)) {
        throw new IllegalArgumentException("topic " + topic + " has no partition " + partition.get()
            + " (it has partitions 0 to " + (all.size() - 1) + ")");
      }
      chosen = List.of(wanted);
    } else {
      chosen = all;
    }
    consumer.assign(chosen);
    TopicAssignment assignment = new TopicAssignment(topic, chosen);
    assignment.seekToStart(consumer, startFrom);
    return assignment;
  }

  private static List<TopicPartition> waitForPartitions(Consumer<?, ?> consumer, String topic, Clock clock) {
    Instant deadline = clock.instant().plus(TOPIC_WAIT);
    while (true) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> found = new ArrayList<>();
        for (PartitionInfo info : infos) {
          found.add(new TopicPartition(info.topic(), info.partition()));
        }
        found.sort(Comparator.comparingInt(TopicPartition::partition));
        return found;
      }
      if (!clock.instant().isBefore(deadline)) {
        throw new IllegalArgumentException("topic " + topic + " does not exist (waited " + TOPIC_WAIT.toSeconds() + "s)");
      }
      try {
        // The metadata of a topic created a moment ago takes a moment to reach every broker.
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for topic " + topic, e);
      }
    }
  }

  private void seekToStart(Consumer<?, ?> consumer, OptionalLong startFrom) {
    if (startFrom.isPresent()) {
      Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
      for (TopicPartition tp : partitions) {
        consumer.seek(tp, Math.max(startFrom.getAsLong(), beginnings.getOrDefault(tp, 0L)));
      }
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
    List<TopicPartition> fromBeginning = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata c = committed.get(tp);
      if (c != null) {
        consumer.seek(tp, c.offset());
      } else {
        fromBeginning.add(tp);
      }
    }
    if (!fromBeginning.isEmpty()) {
      consumer.seekToBeginning(fromBeginning);
    }
  }

  public String topic() {
    return topic;
  }

  /** The assigned partitions, in partition order; never null. */
  public List<TopicPartition> partitions() {
    return partitions;
  }

  /**
   * The partitions whose position is behind their end, in partition order.
   *
   * @return never null
   */
  public List<TopicPartition> pending(Consumer<?, ?> consumer) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    List<TopicPartition> behind = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      if (consumer.position(tp) < ends.getOrDefault(tp, 0L)) {
        behind.add(tp);
      }
    }
    return behind;
  }

  /** For log lines: {@code [2]} for one partition (Python's list repr), {@code all} otherwise. */
  public static String describe(Optional<Integer> partition) {
    return partition.map(p -> "[" + p + "]").orElse("all");
  }

  @Override
  public String toString() {
    return "TopicAssignment[" + topic + " " + partitions + "]";
  }
}
