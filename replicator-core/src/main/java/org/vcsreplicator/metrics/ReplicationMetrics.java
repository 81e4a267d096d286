package org.vcsreplicator.metrics;

import java.time.Duration;
import java.util.OptionalDouble;

/**
 * What a replication daemon (mirror consumer, heads consumer, aggregator, Pulse notifier) tells
 * its monitoring: each event handled, each retry, each commit, the lag of each partition, and
 * whether a partition is stopped on an error. The daemons' loops call it at those points; an
 * implementation turns the calls into metrics (the CLI's Prometheus one) or ignores them ({@link
 * #none()}, for library users without metrics).
 *
 * <p>Partitions are those of the topic the daemon reads. Offsets are Kafka's "next offset to read".
 *
 * <p>Implementations must be thread-safe and cheap: the loops call them on their own thread, for
 * every record, while an exporter reads the values from another. They must never throw.
 */
public interface ReplicationMetrics {

  /** Label value of {@code kind} for a record whose event name could not be read. */
  String UNKNOWN_KIND = "unknown";

  /**
   * The daemon now reads {@code partition}: its gauges start (not stopped, nothing applied yet,
   * the time since the last apply counted from now).
   */
  void assigned(int partition);

  /**
   * One event's handling ended.
   *
   * @param partition where it was read
   * @param kind its wire name ({@code hg-changegroup-2}, {@code heartbeat-1}, …) or {@link
   *     #UNKNOWN_KIND}; never null
   * @param outcome never null
   * @param took from the start of its handling to the outcome, retries and their pauses included;
   *     never null
   */
  void eventHandled(int partition, String kind, EventOutcome outcome, Duration took);

  /** A transient failure is about to be retried (an event, a commit, a copy, a publish). */
  void retried();

  /**
   * The daemon's group committed {@code nextOffset} on {@code partition}.
   *
   * @param nextOffset the committed value: the next offset the group will read
   */
  void committed(int partition, long nextOffset);

  /**
   * How far the daemon is behind on {@code partition}.
   *
   * @param events records written to the partition that the daemon has not acknowledged yet; not
   *     negative
   * @param oldestCreated the {@code _created} (seconds since the epoch) of the oldest of them the
   *     daemon knows (the record in hand); empty when {@code events} is 0 or it is not known. An
   *     implementation reports its age when it is read, so a stuck event is seen getting older
   */
  void lag(int partition, long events, OptionalDouble oldestCreated);

  /**
   * Whether {@code partition} is stopped on an error: true from the failure until the daemon ends
   * or the partition moves again.
   */
  void stopped(int partition, boolean stopped);

  /** Metrics that go nowhere; thread-safe and stateless. Never null. */
  static ReplicationMetrics none() {
    return NoMetrics.INSTANCE;
  }
}
