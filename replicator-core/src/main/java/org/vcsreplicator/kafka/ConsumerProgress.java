package org.vcsreplicator.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.metrics.ReplicationMetrics;

/**
 * Where a consuming daemon stands on each partition it reads, kept for its {@link
 * ReplicationMetrics}: the next offset to apply, the {@code _created} of the record in hand, and
 * the partitions' end offsets, from which it reports commits and lag.
 *
 * <p>The daemon's loop tells it which record it began ({@link #began}) and what it committed
 * ({@link #committed}); those calls cost nothing. The end offsets are asked from the broker at most
 * once per refresh interval ({@link #refreshIfDue()}), never per record, and a failure to read them
 * only leaves the previous figures in place: monitoring must never stop replication.
 *
 * <p>Invariants:
 * <ol>
 *   <li>The lag in events of a partition is its last known end offset minus the next offset to
 *       apply, never negative. The next offset to apply is the loop's own, not the consumer's
 *       fetch position, which runs ahead of the records in hand.
 *   <li>The lag's {@code _created} is that of the record in hand (or of the last one begun while
 *       more are pending); with no lag there is none.
 *   <li>With {@link ReplicationMetrics#none()} nothing is asked of the broker.
 * </ol>
 *
 * <p>Not thread-safe: use it on the thread that owns the consumer.
 */
public final class ConsumerProgress {
  private static final Logger log = LoggerFactory.getLogger(ConsumerProgress.class);

  /** How often the end offsets are read; scrapes come every 15 s or more. */
  public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(5);

  /** Bound for one end-offsets request, so a broker in trouble holds the loop up only briefly. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

  private final Consumer<?, ?> kafka;
  private final ReplicationMetrics metrics;
  private final Clock clock;
  private final Duration refreshInterval;
  private final boolean enabled;
  private final Map<Integer, Partition> partitions = new TreeMap<>();
  private final List<TopicPartition> assigned;
  private Instant nextRefresh;

  private static final class Partition {
    long next;
    long end = -1;
    OptionalDouble created = OptionalDouble.empty();
  }

  private ConsumerProgress(Consumer<?, ?> kafka, Collection<TopicPartition> assigned, ReplicationMetrics metrics,
      Clock clock, Duration refreshInterval) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.assigned = List.copyOf(assigned);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    this.enabled = metrics != ReplicationMetrics.none();
    this.nextRefresh = clock.instant();
  }

  /**
   * Starts tracking the partitions assigned to {@code kafka}, already positioned where the loop
   * starts: reports them assigned, with the group's committed offsets, and reads their lag.
   *
   * @param kafka the daemon's consumer, assigned and positioned; not closed here
   * @param assigned the partitions the loop reads
   * @param metrics where figures go; never null
   * @param clock for the refresh interval
   * @return never null
   * @throws WakeupException when a stop woke the consumer during the start-up reads
   */
  public static ConsumerProgress start(Consumer<?, ?> kafka, Collection<TopicPartition> assigned,
      ReplicationMetrics metrics, Clock clock) {
    return start(kafka, assigned, metrics, clock, REFRESH_INTERVAL);
  }

  // visible for testing: any refresh interval
  static ConsumerProgress start(Consumer<?, ?> kafka, Collection<TopicPartition> assigned,
      ReplicationMetrics metrics, Clock clock, Duration refreshInterval) {
    ConsumerProgress progress = new ConsumerProgress(kafka, assigned, metrics, clock, refreshInterval);
    if (progress.enabled) {
      progress.begin();
    }
    return progress;
  }

  private void begin() {
    for (TopicPartition tp : assigned) {
      metrics.assigned(tp.partition());
    }
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = kafka.committed(new HashSet<>(assigned), REQUEST_TIMEOUT);
      for (TopicPartition tp : assigned) {
        Partition p = new Partition();
        p.next = kafka.position(tp, REQUEST_TIMEOUT);
        partitions.put(tp.partition(), p);
        OffsetAndMetadata c = committed.get(tp);
        if (c != null) {
          metrics.committed(tp.partition(), c.offset());
        }
      }
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      log.debug("cannot read the start positions for metrics: {}", e.toString());
    }
    refresh();
  }

  /**
   * The loop took the record at {@code offset} of {@code partition} in hand.
   *
   * @param created its {@code _created}, empty when it has none or is undecodable
   */
  public void began(int partition, long offset, OptionalDouble created) {
    if (!enabled) {
      return;
    }
    Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
    p.next = offset;
    p.created = created;
    // The record in hand exists even when the last end offset read is older than it.
    p.end = Math.max(p.end, offset + 1);
    report(partition, p);
  }

  /** The loop committed {@code nextOffset} on {@code partition}: reports it, and the lag it leaves. */
  public void committed(int partition, long nextOffset) {
    if (!enabled) {
      return;
    }
    metrics.committed(partition, nextOffset);
    Partition p = partitions.computeIfAbsent(partition, k -> new Partition());
    p.next = nextOffset;
    p.end = Math.max(p.end, nextOffset);
    report(partition, p);
  }

  /** Reads the end offsets if the refresh interval has passed since the last read. */
  public void refreshIfDue() {
    if (enabled && !clock.instant().isBefore(nextRefresh)) {
      refresh();
    }
  }

  /**
   * Reads the end offsets now and reports the lag of every partition.
   *
   * @throws WakeupException when a stop woke the consumer meanwhile
   */
  public void refresh() {
    if (!enabled || assigned.isEmpty()) {
      return;
    }
    nextRefresh = clock.instant().plus(refreshInterval);
    Map<TopicPartition, Long> ends;
    try {
      ends = kafka.endOffsets(assigned, REQUEST_TIMEOUT);
    } catch (WakeupException | InterruptException e) {
      throw e;
    } catch (KafkaException e) {
      log.debug("cannot read the end offsets for metrics: {}", e.toString());
      return;
    }
    for (TopicPartition tp : assigned) {
      Long end = ends.get(tp);
      Partition p = partitions.get(tp.partition());
      if (end != null && p != null) {
        p.end = end;
        report(tp.partition(), p);
      }
    }
  }

  private void report(int partition, Partition p) {
    if (p.end < 0) {
      return; // no end offset read yet: no figure rather than a wrong one
    }
    long events = Math.max(0, p.end - p.next);
    metrics.lag(partition, events, events == 0 ? OptionalDouble.empty() : p.created);
  }
}
