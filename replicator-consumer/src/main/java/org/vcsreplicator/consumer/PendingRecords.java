package org.vcsreplicator.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.vcsreplicator.kafka.SkipNotRecordedException;
import org.vcsreplicator.kafka.SkipRecorder;
import org.vcsreplicator.kafka.SkipRefusedException;
import org.vcsreplicator.kafka.SkipRequest;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.skip.SkipRecord;

/**
 * The operator flags of {@code consume} that look at the group's unacknowledged records instead
 * of applying them: {@code --dump}, {@code --skip}, {@code --wait-for-n}, {@code --wait-for-no-lag}.
 * Only {@link #skipNext} commits anything, and exactly one offset, after recording the skip.
 *
 * <p>"Pending" means from the group's committed offset (or the partition's beginning when it has
 * none, or {@code --start-from}) up to the end of the partition as it was when the command
 * started: records produced meanwhile are not waited for, so the answer is deterministic.
 *
 * <p>Not thread-safe: one thread owns the consumer.
 */
public final class PendingRecords {

  /** A pending record this long in arriving means the broker is in trouble; stop waiting. */
  static final Duration FETCH_LIMIT = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(100);

  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> kafka;
  private final String topic;
  private final String group;
  private final Clock clock;

  /**
   * @param kafka an unassigned consumer with the group id in question and auto-commit off; owned
   *     by the caller
   */
  public PendingRecords(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> kafka, String topic, String group,
      Clock clock) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.group = Objects.requireNonNull(group, "group");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * {@code --dump}: every pending record, by partition then offset. Commits nothing.
   *
   * @return never null
   * @throws IllegalStateException when pending records do not arrive within {@link #FETCH_LIMIT}
   */
  public List<PendingRecord> dump(Optional<Integer> partition, OptionalLong startFrom) {
    TopicAssignment assignment = TopicAssignment.assign(kafka, topic, partition, startFrom, clock);
    Map<TopicPartition, Long> ends = kafka.endOffsets(assignment.partitions());
    List<PendingRecord> out = new ArrayList<>();
    readUntil(assignment, ends, out::add);
    out.sort(Comparator.comparingInt((PendingRecord r) -> r.at().partition()).thenComparingLong(r -> r.at().offset()));
    return out;
  }

  /**
   * A record dropped by {@code --skip}, and the audit record written before its offset moved.
   *
   * @param record the skipped record, whole; never null
   * @param audit what was recorded in the skip audit topic; never null
   */
  public record Skipped(PendingRecord record, SkipRecord audit) {
    public Skipped {
      Objects.requireNonNull(record, "record");
      Objects.requireNonNull(audit, "audit");
    }
  }

  /**
   * {@code --skip}: acknowledges exactly the next pending record of {@code partition}, or of the
   * first partition that has one, after {@code recorder} has recorded it (SPEC rule 2: dropping
   * is an explicit, recorded act). With {@code --offset N} ({@link SkipRequest#expectedOffset()})
   * it refuses when that record is not at offset N.
   *
   * @return the skipped record, or empty when nothing is pending (nothing recorded then)
   * @throws SkipRefusedException the next record is not the one named; nothing recorded or committed
   * @throws SkipNotRecordedException the audit record was not acknowledged; nothing committed
   * @throws IllegalStateException when the pending record does not arrive within {@link #FETCH_LIMIT}
   */
  public Optional<Skipped> skipNext(Optional<Integer> partition, OptionalLong startFrom, SkipRequest request,
      SkipRecorder recorder) throws SkipRefusedException, SkipNotRecordedException {
    TopicAssignment assignment = TopicAssignment.assign(kafka, topic, partition, startFrom, clock);
    List<TopicPartition> pending = assignment.pending(kafka);
    if (pending.isEmpty()) {
      return Optional.empty();
    }
    TopicPartition tp = pending.get(0);
    long wanted = kafka.position(tp);
    // Refuse before fetching: the operator named another event.
    request.check(tp.partition(), wanted);
    kafka.assign(List.of(tp));
    kafka.seek(tp, wanted);
    PendingRecord record = null;
    Instant deadline = clock.instant().plus(FETCH_LIMIT);
    while (record == null) {
      for (ConsumerRecord<byte[], byte[]> r : kafka.poll(POLL)) {
        if (r.offset() == wanted) {
          record = toPending(r);
          break;
        }
      }
      if (record == null && !clock.instant().isBefore(deadline)) {
        throw new IllegalStateException("offset " + wanted + " of " + tp + " did not arrive within "
            + FETCH_LIMIT.toSeconds() + "s; nothing skipped");
      }
    }
    SkipRecord audit = recorder.skip(kafka, group, record.at(), record.key(), record.value(), request);
    return Optional.of(new Skipped(record, audit));
  }

  /**
   * {@code --wait-for-n N}: reads (without committing) until {@code n} pending or new records
   * have arrived, handing each to {@code onEach}; waits as long as it takes unless stopped.
   *
   * @return the number of records seen (less than {@code n} only when stopped)
   */
  public int waitForN(Optional<Integer> partition, OptionalLong startFrom, int n, StopSignal stop,
      Consumer<PendingRecord> onEach) {
    TopicAssignment.assign(kafka, topic, partition, startFrom, clock);
    int seen = 0;
    try {
      while (seen < n && !stop.isRequested()) {
        for (ConsumerRecord<byte[], byte[]> r : kafka.poll(POLL)) {
          onEach.accept(toPending(r));
          if (++seen == n) {
            break;
          }
        }
      }
    } catch (WakeupException e) {
      // stopped
    }
    return seen;
  }

  /**
   * {@code --wait-for-no-lag}: returns once the group has acknowledged every record of the topic
   * (or of {@code partition}); checks every 100 ms, without a deadline, unless stopped.
   *
   * @return true when there is no lag, false when stopped first
   */
  public boolean waitForNoLag(Optional<Integer> partition, StopSignal stop) {
    TopicAssignment assignment = TopicAssignment.assign(kafka, topic, partition, OptionalLong.empty(), clock);
    List<TopicPartition> tps = assignment.partitions();
    while (!stop.isRequested()) {
      if (lag(tps) == 0) {
        return true;
      }
      stop.pause(POLL);
    }
    return false;
  }

  /** Records between the group's committed offsets (or the beginning) and the end offsets. */
  private long lag(List<TopicPartition> tps) {
    Map<TopicPartition, Long> ends = kafka.endOffsets(tps);
    Map<TopicPartition, Long> beginnings = kafka.beginningOffsets(tps);
    Map<TopicPartition, OffsetAndMetadata> committed = kafka.committed(new HashSet<>(tps));
    long lag = 0;
    for (TopicPartition tp : tps) {
      OffsetAndMetadata c = committed.get(tp);
      long done = c != null ? c.offset() : beginnings.getOrDefault(tp, 0L);
      lag += Math.max(0, ends.getOrDefault(tp, 0L) - done);
    }
    return lag;
  }

  private void readUntil(TopicAssignment assignment, Map<TopicPartition, Long> ends, Consumer<PendingRecord> sink) {
    Map<TopicPartition, Long> need = new HashMap<>();
    for (TopicPartition tp : assignment.partitions()) {
      long position = kafka.position(tp);
      long end = ends.getOrDefault(tp, 0L);
      if (position < end) {
        need.put(tp, end);
      }
    }
    Instant deadline = clock.instant().plus(FETCH_LIMIT);
    while (!need.isEmpty()) {
      for (ConsumerRecord<byte[], byte[]> r : kafka.poll(POLL)) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        Long end = need.get(tp);
        if (end != null && r.offset() < end) {
          sink.accept(toPending(r));
        }
      }
      // Positions, not record counts: offsets may have gaps (compaction, transaction markers).
      need.keySet().removeIf(tp -> kafka.position(tp) >= need.get(tp));
      if (!need.isEmpty() && !clock.instant().isBefore(deadline)) {
        throw new IllegalStateException("pending records of " + need.keySet() + " did not arrive within "
            + FETCH_LIMIT.toSeconds() + "s");
      }
    }
  }

  private static PendingRecord toPending(ConsumerRecord<byte[], byte[]> r) {
    return new PendingRecord(new RecordCoordinates(r.topic(), r.partition(), r.offset()), r.key(), r.value());
  }

  /** The group these records are pending for. */
  public String group() {
    return group;
  }
}
