package org.vcsreplicator.consumer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.kafka.ConsumerProgress;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.metrics.EventOutcome;
import org.vcsreplicator.metrics.ReplicationMetrics;

/**
 * The consume loop of a mirror: reads the replication topic and, record by record, decodes,
 * applies (through an {@link EventHandler}) and commits. The steps stay separate so that a later
 * version can apply different repositories in parallel lanes.
 *
 * <p>Invariants:
 * <ol>
 *   <li>SPEC rule 2: an offset is committed (as the next offset to read) only after its event was
 *       applied; a failed or abandoned event is never committed.
 *   <li>Transient failures are retried by one {@link Retrier}; what still fails is permanent: one
 *       ERROR line with the record's coordinates, hg's message and the commands to inspect and
 *       skip it, then {@link Result#FAILED} (the process exits non-zero and its supervisor
 *       restarts it, as with the original). Nothing after it is committed. With {@link
 *       Options#holdOnFailure()} the loop first holds there, stopped, until a stop is requested:
 *       it neither consumes nor commits, but keeps its {@link ReplicationMetrics} current (the
 *       partition reported stopped, its lag still read), so monitoring sees why it stands.
 *   <li>A stop request ({@link #stop()}) ends the loop after the event in hand: it is either
 *       finished (and committed) or abandoned uncommitted, to be applied again after a restart.
 *   <li>Every event handled is reported to the {@link ReplicationMetrics} once, with its outcome
 *       (an abandoned one is not: it is handled again after the restart); lag figures come from
 *       a {@link ConsumerProgress}, which reads end offsets periodically, not per record.
 * </ol>
 *
 * <p>Thread-safety: {@link #run} must be called from one thread, which owns the Kafka consumer;
 * {@link #stop()} may be called from any thread (a signal handler).
 */
public final class MirrorConsumer {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLog.NAME);

  /** How a run ended; the CLI turns it into an exit code. */
  public enum Result {
    /** A stop was requested; everything applied is committed. Exit 0. */
    STOPPED,
    /** {@code --onetime}: one record processed and committed. Exit 0. */
    PROCESSED_ONE,
    /** {@code --onetime}: no record was pending. Exit 0. */
    NOTHING_PENDING,
    /** A permanent failure stopped the loop; nothing past it is committed. Exit 1. */
    FAILED
  }

  /**
   * How to run.
   *
   * @param partition one partition, or empty for every partition of the topic
   * @param startFrom offset to start from instead of the group's committed one
   * @param onetime process at most one record, then return
   * @param pollTimeout how long one poll waits for records ({@code poll_timeout})
   * @param holdOnFailure at an event that cannot be applied, hold (stopped, serving metrics)
   *     until a stop is requested instead of returning at once; the result is {@link
   *     Result#FAILED} either way. For daemons whose metrics are scraped: a process that exits is
   *     not scraped, and its restart fails on the same event
   */
  public record Options(Optional<Integer> partition, OptionalLong startFrom, boolean onetime, Duration pollTimeout,
      boolean holdOnFailure) {
    public Options {
      Objects.requireNonNull(partition, "partition");
      Objects.requireNonNull(startFrom, "startFrom");
      Objects.requireNonNull(pollTimeout, "pollTimeout");
    }

    /** Returns at once on a failure (no hold), as the original. */
    public Options(Optional<Integer> partition, OptionalLong startFrom, boolean onetime, Duration pollTimeout) {
      this(partition, startFrom, onetime, pollTimeout, false);
    }

    /** These options, holding on a failure when {@code hold} is true. */
    public Options withHoldOnFailure(boolean hold) {
      return new Options(partition, startFrom, onetime, pollTimeout, hold);
    }

    public static Options continuous(Optional<Integer> partition) {
      return new Options(partition, OptionalLong.empty(), false, DEFAULT_POLL_TIMEOUT);
    }
  }

  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);

  /** {@code --onetime} waits at most this long for a record it knows is pending. */
  static final Duration ONETIME_FETCH_LIMIT = Duration.ofSeconds(30);

  private final Consumer<byte[], byte[]> kafka;
  private final String topic;
  private final String group;
  private final EventHandler handler;
  private final Retrier retrier;
  private final StopSignal stop;
  private final Runnable abortInFlight;
  private final OperatorCommands commands;
  private final Clock clock;
  private final ReplicationMetrics metrics;
  private ConsumerProgress progress;

  /**
   * @param kafka an unassigned consumer with the mirror's group id and auto-commit off; owned by
   *     the caller (not closed here)
   * @param topic the replication topic ({@code [consumer] topic})
   * @param group the group whose offsets are committed ({@code [consumer] group})
   * @param handler applies one event
   * @param retryPolicy limits for transient failures
   * @param stop shared stop signal; also cuts back-off pauses short
   * @param abortInFlight called by {@link #stop()} to end a long-running apply (closing the
   *     {@link org.vcsreplicator.hg.Hg} kills its command); may do nothing
   * @param commands how error lines name the dump and skip commands
   * @param clock for deadlines
   */
  public MirrorConsumer(Consumer<byte[], byte[]> kafka, String topic, String group, EventHandler handler,
      RetrySettings retryPolicy, StopSignal stop, Runnable abortInFlight, OperatorCommands commands, Clock clock) {
    this(kafka, topic, group, handler, retryPolicy, stop, abortInFlight, commands, clock, ReplicationMetrics.none());
  }

  /**
   * As the other constructor, reporting to {@code metrics}.
   *
   * @param metrics told of every event, retry, commit, the lag and a stop on a failure; never null
   */
  public MirrorConsumer(Consumer<byte[], byte[]> kafka, String topic, String group, EventHandler handler,
      RetrySettings retryPolicy, StopSignal stop, Runnable abortInFlight, OperatorCommands commands, Clock clock,
      ReplicationMetrics metrics) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.group = Objects.requireNonNull(group, "group");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.stop = Objects.requireNonNull(stop, "stop");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    // The Retrier pauses once before each retry: that is where a retry is counted.
    this.retrier = new Retrier(retryPolicy, delay -> {
      metrics.retried();
      return stop.pause(delay);
    });
    this.abortInFlight = Objects.requireNonNull(abortInFlight, "abortInFlight");
    this.commands = Objects.requireNonNull(commands, "commands");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Asks the loop to stop: it wakes a waiting poll, cuts a back-off pause short and aborts the
   * hg command in progress (that event is then not committed). Returns at once; {@link #run}
   * returns {@link Result#STOPPED} shortly after. Thread-safe, idempotent.
   */
  public void stop() {
    stop.request();
    kafka.wakeup();
    abortInFlight.run();
  }

  /**
   * Consumes until stopped, until a permanent failure, or (with {@code onetime}) after one record.
   *
   * @return never null
   * @throws IllegalArgumentException when the topic or partition does not exist
   */
  public Result run(Options options) {
    try {
      Result result = consume(options);
      if (result != null) {
        return result;
      }
    } catch (WakeupException e) {
      // stop() woke a blocking call (a poll, or the start-up's metadata and offset lookups).
    }
    log.info("exiting from main consume loop");
    return Result.STOPPED;
  }

  /** The loop itself; null when it ended because a stop was requested. */
  private Result consume(Options options) {
    TopicAssignment assignment =
        TopicAssignment.assign(kafka, topic, options.partition(), options.startFrom(), clock);
    if (!options.onetime()) {
      log.info("starting consumer for topic={} group={} partitions={}",
          topic, group, TopicAssignment.describe(options.partition()));
    }
    progress = ConsumerProgress.start(kafka, assignment.partitions(), metrics, clock);
    Instant onetimeDeadline = clock.instant().plus(ONETIME_FETCH_LIMIT);
    while (!stop.isRequested()) {
      if (options.onetime() && assignment.pending(kafka).isEmpty()) {
        return Result.NOTHING_PENDING;
      }
      ConsumerRecords<byte[], byte[]> records = kafka.poll(options.pollTimeout());
      for (ConsumerRecord<byte[], byte[]> record : records) {
        Step step = process(record);
        if (step == Step.FAILED || step == Step.NOT_COMMITTED) {
          if (step == Step.FAILED && options.holdOnFailure()) {
            hold(record);
          }
          log.error("exiting main consume loop with error");
          return Result.FAILED;
        }
        if (step == Step.ABANDONED || stop.isRequested()) {
          break;
        }
        if (options.onetime()) {
          return Result.PROCESSED_ONE;
        }
        progress.refreshIfDue();
      }
      progress.refreshIfDue();
      if (options.onetime() && records.isEmpty() && !clock.instant().isBefore(onetimeDeadline)) {
        log.warn("a record is pending but none arrived within {}s; giving up", ONETIME_FETCH_LIMIT.toSeconds());
        return Result.NOTHING_PENDING;
      }
    }
    return null;
  }

  /**
   * How one record ended: committed; abandoned on a stop; FAILED, the event cannot be applied
   * (the partition stops on it); NOT_COMMITTED, applied but its offset could not be committed
   * (Kafka trouble: a restart is the cure, so the loop never holds for it).
   */
  private enum Step { COMMITTED, ABANDONED, FAILED, NOT_COMMITTED }

  private Step process(ConsumerRecord<byte[], byte[]> record) {
    RecordCoordinates at = new RecordCoordinates(record.topic(), record.partition(), record.offset());
    Instant began = clock.instant();
    Message message;
    try {
      message = WireCodec.decode(record.value(), at);
    } catch (UndecodableRecordException e) {
      progress.began(at.partition(), at.offset(), OptionalDouble.empty());
      String repo = record.key() == null ? "?" : new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
      reportPermanent(at, repo, e.wireName().orElse("?"), "undecodable record: " + e.reason());
      failed(at, ReplicationMetrics.UNKNOWN_KIND, began);
      return Step.FAILED;
    }
    progress.began(at.partition(), at.offset(), message.created());
    Event event = message.event();
    String display = EventDisplay.of(event);
    log.info("processing {} from partition {} offset {}", display, record.partition(), record.offset());
    Outcome outcome = retrier.run(display, () -> handler.apply(event));
    if (!outcome.isApplied() && stop.isRequested()) {
      log.warn("stop requested: abandoned {} at {} without committing it; it is applied again on restart",
          event.kind(), at);
      return Step.ABANDONED;
    }
    if (outcome instanceof Outcome.PermanentFailure f) {
      reportPermanent(at, event.repo().map(Object::toString).orElse("-"), event.kind().wireName(), f.reason());
      failed(at, event.kind().wireName(), began);
      return Step.FAILED;
    }
    if (outcome instanceof Outcome.TransientFailure t) {
      // Only a stop cuts retries short, and that case was handled above.
      throw new IllegalStateException("transient failure left over without a stop request: " + t.reason());
    }
    EventOutcome counted = outcome instanceof Outcome.Filtered ? EventOutcome.FILTERED : EventOutcome.APPLIED;
    metrics.eventHandled(at.partition(), event.kind().wireName(), counted, Duration.between(began, clock.instant()));
    if (!commit(at)) {
      metrics.stopped(at.partition(), true);
      return Step.NOT_COMMITTED;
    }
    progress.committed(at.partition(), at.offset() + 1);
    return Step.COMMITTED;
  }

  private void failed(RecordCoordinates at, String kind, Instant began) {
    metrics.eventHandled(at.partition(), kind, EventOutcome.FAILED, Duration.between(began, clock.instant()));
    metrics.stopped(at.partition(), true);
  }

  /**
   * Holds the loop, stopped at the failed {@code record}, until a stop is requested: nothing is
   * consumed or committed, the lag is still read so it can be seen growing.
   */
  private void hold(ConsumerRecord<byte[], byte[]> record) {
    log.warn("partition {} stopped at offset {}: holding without consuming or committing until SIGTERM, so its "
        + "metrics stay visible; after the event is skipped or its cause fixed, restart this consumer",
        record.partition(), record.offset());
    try {
      while (stop.pause(ConsumerProgress.REFRESH_INTERVAL)) {
        progress.refresh();
      }
    } catch (WakeupException e) {
      // stop() woke the end-offsets read: the stop ends the hold.
    }
  }

  /** SPEC rule 2: the committed value is the next offset to read. */
  private boolean commit(RecordCoordinates at) {
    TopicPartition tp = new TopicPartition(at.topic(), at.partition());
    Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(tp, new OffsetAndMetadata(at.offset() + 1));
    Outcome outcome = retrier.run("commit of offset " + (at.offset() + 1) + " in partition " + at.partition(), () -> {
      try {
        commitOnce(offsets);
        return Outcome.applied();
      } catch (RetriableException e) {
        return Outcome.transientFailure(e.toString());
      } catch (KafkaException e) {
        return Outcome.permanentFailure(e.toString());
      }
    });
    if (outcome.isApplied()) {
      return true;
    }
    // The event is applied but not acknowledged: it is applied again after the restart, harmlessly.
    String reason = outcome instanceof Outcome.PermanentFailure p ? p.reason() : ((Outcome.TransientFailure) outcome).reason();
    log.error("cannot commit offset {} of {} for group {}: {}; the event will be applied again after a restart",
        at.offset() + 1, tp, group, reason);
    return false;
  }

  private void commitOnce(Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      kafka.commitSync(offsets);
    } catch (WakeupException e) {
      // A stop's wakeup meant for poll() can land here instead; the event is done, so commit it.
      kafka.commitSync(offsets);
    }
  }

  private void reportPermanent(RecordCoordinates at, String repo, String kind, String reason) {
    log.error("cannot apply event, partition {} stops here: topic={} partition={} offset={} repo={} event={}: {}; "
            + "nothing was committed. Inspect with `{}`; skip it (an operator decision) with `{}`",
        at.partition(), at.topic(), at.partition(), at.offset(), repo, kind, oneLine(reason),
        commands.dump(at.partition()), commands.skip(at.partition(), at.offset()));
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " / ");
  }
}
