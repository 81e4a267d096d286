package org.vcsreplicator.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * Writes events to the replication log and waits until the broker has them.
 *
 * <p>Every write goes to the partition the caller names (SPEC §4: routing is the caller's job, so
 * every repo lands where the Python producer would put it), is stamped with {@code _created} when
 * the message has none, carries the wire path as its key ({@code null} for heartbeats), and is
 * acknowledged by all in-sync replicas ({@code acks=all}, idempotent) before {@code send} returns.
 * A write that cannot be acknowledged within the ack timeout fails with
 * {@link ReplicationLogUnavailableException}; no call blocks longer than that timeout (plus
 * scheduling noise), whatever the broker does. SPEC 2.4: the caller refuses the push then.
 *
 * <p>A failure names the cause as Kafka does ({@code NOT_ENOUGH_REPLICAS: …}). When a write timed
 * out although it was sent (the producer retries refusals until the timeout and then says only
 * "Expiring 1 record(s)"), the cluster is asked why, which may add up to {@link
 * #diagnosisTimeout} to the failure: e.g. {@code NOT_ENOUGH_REPLICAS: partition 0 has 1 in-sync
 * replica(s) (brokers [2]) of 3, min.insync.replicas is 2}.
 *
 * <p>Thread-safe: it wraps one {@link KafkaProducer}, which is.
 */
public final class EventProducer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventProducer.class);

  private final Producer<byte[], byte[]> producer;
  private final Duration ackTimeout;
  private final Clock clock;
  /** Asks the cluster why a write timed out; absent over a mock producer. */
  private final Optional<WriteFailureDiagnosis> diagnosis;

  /**
   * A producer for the cluster in {@code config}.
   *
   * @param ackTimeout longest a write may take, from the call until the broker's acknowledgement,
   *     including waiting for metadata; positive
   * @param clock source of {@code _created}
   */
  public EventProducer(KafkaClientConfig config, Duration ackTimeout, Clock clock) {
    this(new KafkaProducer<>(producerProperties(config, ackTimeout), new ByteArraySerializer(), new ByteArraySerializer()),
        ackTimeout, clock,
        Optional.of(new WriteFailureDiagnosis(config.toClientProperties(), diagnosisTimeout(checkTimeout(ackTimeout)))));
  }

  // visible for testing: runs over a MockProducer
  EventProducer(Producer<byte[], byte[]> producer, Duration ackTimeout, Clock clock) {
    this(producer, ackTimeout, clock, Optional.empty());
  }

  private EventProducer(Producer<byte[], byte[]> producer, Duration ackTimeout, Clock clock,
      Optional<WriteFailureDiagnosis> diagnosis) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.ackTimeout = checkTimeout(ackTimeout);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.diagnosis = diagnosis;
  }

  /**
   * How long explaining a timed-out write may add to it: half the ack timeout, between 0.2 and 2 s
   * (one or two metadata requests to a cluster that answers take milliseconds).
   */
  static Duration diagnosisTimeout(Duration ackTimeout) {
    long ms = Math.max(200, Math.min(2000, ackTimeout.toMillis() / 2));
    return Duration.ofMillis(ms);
  }

  private static Duration checkTimeout(Duration ackTimeout) {
    Objects.requireNonNull(ackTimeout, "ackTimeout");
    if (ackTimeout.isNegative() || ackTimeout.isZero() || ackTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ack timeout must be between 1 ms and " + Integer.MAX_VALUE + " ms, got " + ackTimeout);
    }
    return ackTimeout;
  }

  /**
   * The Kafka producer settings: the caller's client settings, then our delivery guarantees, which
   * win over anything the caller passed.
   */
  static Map<String, Object> producerProperties(KafkaClientConfig config, Duration ackTimeout) {
    int timeoutMs = (int) checkTimeout(ackTimeout).toMillis();
    Map<String, Object> props = config.toClientProperties();
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // One event per push: batching would only add latency to a push waiting for its ack.
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // The three bounds below make the ack timeout hold end to end: waiting for metadata (a missing
    // topic waits here), one request, and all retries of a batch. Kafka requires
    // delivery.timeout.ms >= linger.ms + request.timeout.ms, which equal values satisfy.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
    return props;
  }

  /** The longest a write may wait for its acknowledgement; never null. */
  public Duration ackTimeout() {
    return ackTimeout;
  }

  /**
   * Writes one message to {@code topic} at {@code partition} and waits for the acknowledgement.
   *
   * <p>If {@code message} has no {@code _created}, it is stamped with the clock's time first
   * (seconds since the epoch, microsecond precision, like Python's {@code time.time()}); a message
   * that already has one (e.g. a record being re-published) is written as it is.
   *
   * @return where the record was written; never null
   * @throws ReplicationLogUnavailableException if the write was not acknowledged within the ack
   *     timeout (broker down, topic or partition missing, too few in-sync replicas, timeout)
   */
  public RecordCoordinates send(String topic, int partition, Message message) throws ReplicationLogUnavailableException {
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    Pending pending = start(topic, partition, message);
    return await(pending, deadline, new Explanations(topic));
  }

  /** {@link #send(String, int, Message)} for a new event without extra fields. */
  public RecordCoordinates send(String topic, int partition, Event event) throws ReplicationLogUnavailableException {
    return send(topic, partition, Message.of(event));
  }

  /**
   * Writes one heartbeat to each of {@code partitions} of {@code topic}, all in flight at once, and
   * waits for all acknowledgements within one ack timeout. Proves those partitions are writable.
   *
   * @return the coordinates of each heartbeat, in the order of {@code partitions}; never null
   * @throws ReplicationLogUnavailableException naming the first partition that failed
   */
  public List<RecordCoordinates> sendHeartbeats(String topic, Collection<Integer> partitions)
      throws ReplicationLogUnavailableException {
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    List<Pending> inFlight = new ArrayList<>(partitions.size());
    for (int partition : partitions) {
      inFlight.add(start(topic, partition, Message.of(new Heartbeat())));
    }
    List<RecordCoordinates> written = new ArrayList<>(inFlight.size());
    Explanations explanations = new Explanations(topic);
    for (Pending p : inFlight) {
      written.add(await(p, deadline, explanations));
    }
    return written;
  }

  /**
   * The outcome of one heartbeat of {@link #tryHeartbeats}.
   *
   * @param failure why the partition was not written; empty when the broker acknowledged it
   */
  public record HeartbeatResult(int partition, Optional<ReplicationLogUnavailableException> failure) {
    public HeartbeatResult {
      Objects.requireNonNull(failure, "failure");
    }

    /** True when the broker acknowledged the heartbeat. */
    public boolean isWritten() {
      return failure.isEmpty();
    }

    /** Why the write failed, without the "cannot write … partition=P: " preamble; empty when written. */
    public Optional<String> reason() {
      return failure.map(e -> {
        String message = String.valueOf(e.getMessage());
        String marker = " partition=" + partition + ": ";
        int at = message.indexOf(marker);
        return at < 0 ? message : message.substring(at + marker.length());
      });
    }
  }

  /**
   * Like {@link #sendHeartbeats}, but a failure on one partition does not stop the others: writes
   * one heartbeat to each of {@code partitions}, all in flight at once, and reports each outcome.
   * Returns within about one ack timeout: once the deadline has passed, partitions whose write
   * could not even be started (the topic's metadata is missing, e.g. brokers down) are reported
   * failed with the last such reason instead of waiting again for each.
   *
   * @return one result per partition, in the order of {@code partitions}; never null
   */
  public List<HeartbeatResult> tryHeartbeats(String topic, Collection<Integer> partitions) {
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    // Each entry: the write in flight, or why it was not started.
    List<Pending> inFlight = new ArrayList<>(partitions.size());
    List<ReplicationLogUnavailableException> refused = new ArrayList<>(partitions.size());
    for (int partition : partitions) {
      Pending pending = null;
      ReplicationLogUnavailableException refusal = null;
      if (System.nanoTime() > deadline) {
        // Starting a write can block up to the ack timeout waiting for metadata (brokers down):
        // once that happened, every other write would wait as long and fail anyway.
        refusal = new ReplicationLogUnavailableException(describe(topic, partition, Message.of(new Heartbeat()))
            + ": not attempted, the ack timeout of " + ackTimeout.toMillis() + " ms passed while starting the"
            + " writes before it" + firstFailure(inFlight).map(w -> " (" + w + ")").orElse(""));
      } else {
        try {
          pending = start(topic, partition, Message.of(new Heartbeat()));
        } catch (ReplicationLogUnavailableException e) {
          refusal = e;
        }
      }
      inFlight.add(pending);
      refused.add(refusal);
    }
    List<HeartbeatResult> results = new ArrayList<>(inFlight.size());
    Explanations explanations = new Explanations(topic);
    int i = 0;
    for (int partition : partitions) {
      Optional<ReplicationLogUnavailableException> failure = Optional.ofNullable(refused.get(i));
      Pending pending = inFlight.get(i++);
      if (pending != null) {
        try {
          await(pending, deadline, explanations);
        } catch (ReplicationLogUnavailableException e) {
          failure = Optional.of(e);
        }
      }
      results.add(new HeartbeatResult(partition, failure));
    }
    return results;
  }

  /** The cause of the first write already known to have failed, if any. */
  private static Optional<String> firstFailure(List<Pending> writes) {
    for (Pending p : writes) {
      if (p != null && p.ack().isDone()) {
        try {
          p.ack().get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() != null ? e.getCause() : e;
          return Optional.of(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** Seconds since the epoch with microsecond precision, as Python's {@code time.time()} gives it. */
  static double secondsSinceEpoch(Instant now) {
    long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    return micros / 1e6;
  }

  /**
   * A write handed to the Kafka producer, not yet acknowledged.
   *
   * @param failedBeforeSending the producer failed it before it was sent (e.g. no metadata for the
   *     topic within the ack timeout: no broker answered), so the cluster cannot explain it either
   */
  private record Pending(String topic, int partition, Message message, Future<RecordMetadata> ack,
      boolean failedBeforeSending) {}

  /** The diagnosis of one topic, asked at most once per call (several writes may time out together). */
  private final class Explanations {
    private final String topic;
    private Map<Integer, String> reasons;

    Explanations(String topic) {
      this.topic = topic;
    }

    Optional<String> reason(int partition) {
      if (reasons == null) {
        reasons = diagnosis.map(d -> d.explain(topic)).orElse(Map.of());
      }
      return Optional.ofNullable(reasons.get(partition));
    }
  }

  private Pending start(String topic, int partition, Message message) throws ReplicationLogUnavailableException {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(message, "message");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
    Message stamped = message.created().isPresent() ? message : message.withCreated(secondsSinceEpoch(clock.instant()));
    byte[] value = WireCodec.encode(stamped);
    // The key is informative only (partitioning is explicit); it lets a reader see the repo of a
    // record it cannot decode.
    byte[] key = stamped.event().repo().map(p -> p.value().getBytes(StandardCharsets.UTF_8)).orElse(null);
    try {
      // May block up to max.block.ms (= ack timeout) waiting for metadata, e.g. for a missing topic.
      Future<RecordMetadata> ack = producer.send(new ProducerRecord<>(topic, partition, key, value));
      return new Pending(topic, partition, stamped, ack, ack.isDone());
    } catch (KafkaException e) {
      throw failure(topic, partition, stamped, e);
    }
  }

  private RecordCoordinates await(Pending p, long deadlineNanos, Explanations explanations)
      throws ReplicationLogUnavailableException {
    try {
      RecordMetadata md = p.ack().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      RecordCoordinates written = new RecordCoordinates(md.topic(), md.partition(), md.offset());
      log.debug("wrote {} event={} repo={}", written, p.message().event().kind(), p.message().event().repo().orElse(null));
      return written;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException && !p.failedBeforeSending()) {
        // The producer retried until its delivery timeout; say why the cluster would not take it.
        Optional<String> reason = explanations.reason(p.partition());
        if (reason.isPresent()) {
          throw failWith(p, reason.get() + " (" + why(cause) + ")", cause);
        }
      }
      throw failure(p.topic(), p.partition(), p.message(), cause);
    } catch (TimeoutException e) {
      String timedOut = "no acknowledgement from Kafka within " + ackTimeout.toMillis() + " ms (the record may still be written)";
      throw failWith(p, explanations.reason(p.partition()).map(r -> r + "; " + timedOut).orElse(timedOut), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failWith(p, "interrupted while waiting for the acknowledgement (the record may still be written)", e);
    }
  }

  private static ReplicationLogUnavailableException failWith(Pending p, String why, Throwable cause) {
    return new ReplicationLogUnavailableException(describe(p.topic(), p.partition(), p.message()) + ": " + why, cause);
  }

  private static ReplicationLogUnavailableException failure(String topic, int partition, Message message, Throwable cause) {
    return new ReplicationLogUnavailableException(describe(topic, partition, message) + ": " + why(cause), cause);
  }

  /**
   * A cause in words: a broker's error refusal starts with Kafka's name for it (e.g. {@code
   * NOT_ENOUGH_REPLICAS: …}), the name operators and the original's messages use.
   */
  private static String why(Throwable cause) {
    String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    if (cause instanceof ApiException && !(cause instanceof org.apache.kafka.common.errors.TimeoutException)) {
      Errors error = Errors.forException(cause);
      if (error != Errors.UNKNOWN_SERVER_ERROR && !message.startsWith(error.name())) {
        return error.name() + ": " + message;
      }
    }
    return message;
  }

  private static String describe(String topic, int partition, Message message) {
    StringBuilder sb = new StringBuilder("cannot write ").append(message.event().kind());
    message.event().repo().ifPresent(r -> sb.append(" for ").append(r));
    return sb.append(" to topic=").append(topic).append(" partition=").append(partition).toString();
  }

  /** Waits up to the ack timeout for records in flight, then releases the connection. */
  @Override
  public void close() {
    try {
      producer.close(ackTimeout);
    } finally {
      diagnosis.ifPresent(WriteFailureDiagnosis::close);
    }
  }
}
