package org.vcsreplicator.cli;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.ToDoubleFunction;
import org.vcsreplicator.metrics.EventOutcome;
import org.vcsreplicator.metrics.ReplicationMetrics;

/**
 * {@link ReplicationMetrics} as Prometheus metrics (client library {@code
 * io.prometheus:prometheus-metrics-core} 1.x), in a {@link PrometheusRegistry} that {@link
 * MetricsServer} serves over HTTP. The names, the same for every daemon:
 *
 * <ul>
 *   <li>{@code vcsreplicator_events_total{partition,kind,outcome}}: events handled; outcome {@code
 *       applied} (heartbeats too), {@code filtered} or {@code failed};
 *   <li>{@code vcsreplicator_apply_seconds}: histogram of the time an event took to apply (or
 *       to fail), retries included; filtered events are not observed;
 *   <li>{@code vcsreplicator_retries_total}: transient failures retried;
 *   <li>{@code vcsreplicator_committed_offset{partition}}: the group's last committed offset (the
 *       next to read), as this process knows it;
 *   <li>{@code vcsreplicator_lag_events{partition}}: records not yet acknowledged;
 *   <li>{@code vcsreplicator_lag_seconds{partition}}: age, at scrape time, of the oldest of them
 *       this process knows (the record in hand, from its {@code _created}); 0 without lag;
 *   <li>{@code vcsreplicator_seconds_since_last_apply{partition}}: since the last event was
 *       applied or filtered, or since the partition was assigned when none was yet;
 *   <li>{@code vcsreplicator_partition_stopped{partition}}: 1 while stopped on an error, else 0.
 * </ul>
 *
 * <p>Per-partition gauges are read from this object's state when scraped, so ages are current
 * even while the loop is blocked on one event.
 *
 * <p>Thread-safe: the daemon's loop updates it while the HTTP server's threads scrape it.
 */
public final class PrometheusReplicationMetrics implements ReplicationMetrics {

  /**
   * Upper bounds of the apply time buckets, in seconds: a heartbeat takes milliseconds, a pull of a
   * large push minutes.
   */
  static final double[] APPLY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600};

  private static final String PARTITION = "partition";

  private final PrometheusRegistry registry;
  private final Clock clock;
  private final Counter events;
  private final Histogram applySeconds;
  private final Counter retries;
  private final Map<Integer, PartitionState> partitions = new ConcurrentSkipListMap<>();

  /** What the per-partition gauges read; written by the loop, read by scrapes. */
  private static final class PartitionState {
    volatile long committedOffset = -1;
    volatile long lagEvents = -1;
    volatile double oldestCreated = Double.NaN;
    volatile Instant lastApplied;
    volatile boolean stopped;

    PartitionState(Instant assigned) {
      lastApplied = assigned;
    }
  }

  /** Metrics in a registry of their own, timed by the system clock. */
  public static PrometheusReplicationMetrics create() {
    return new PrometheusReplicationMetrics(new PrometheusRegistry(), Clock.systemUTC());
  }

  /**
   * @param registry where the metrics are registered (once: a second instance on the same registry
   *     fails with {@link IllegalArgumentException}); never null
   * @param clock for the ages; never null
   */
  public PrometheusReplicationMetrics(PrometheusRegistry registry, Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    events = Counter.builder()
        .name("vcsreplicator_events_total")
        .help("Events handled, by partition, event kind and outcome (applied, filtered, failed)")
        .labelNames(PARTITION, "kind", "outcome")
        .withoutExemplars()
        .register(registry);
    applySeconds = Histogram.builder()
        .name("vcsreplicator_apply_seconds")
        .unit(Unit.SECONDS)
        .help("Time to apply one event (or fail to), retries included")
        .classicOnly()
        .classicUpperBounds(APPLY_BUCKETS)
        .withoutExemplars()
        .register(registry);
    retries = Counter.builder()
        .name("vcsreplicator_retries_total")
        .help("Transient failures retried")
        .withoutExemplars()
        .register(registry);
    gauge("vcsreplicator_committed_offset", "Last offset committed by this process's group (the next to read)",
        s -> s.committedOffset < 0 ? Double.NaN : s.committedOffset);
    gauge("vcsreplicator_lag_events", "Records written to the partition and not yet acknowledged",
        s -> s.lagEvents < 0 ? Double.NaN : s.lagEvents);
    gauge("vcsreplicator_lag_seconds", "Age of the oldest unacknowledged record known (the one in hand), 0 without lag",
        this::lagSeconds);
    gauge("vcsreplicator_seconds_since_last_apply",
        "Seconds since an event was last applied or filtered (since the partition was assigned, before the first)",
        s -> seconds(Duration.between(s.lastApplied, clock.instant())));
    gauge("vcsreplicator_partition_stopped", "1 while the partition is stopped on an error, else 0",
        s -> s.stopped ? 1 : 0);
  }

  private void gauge(String name, String help, ToDoubleFunction<PartitionState> value) {
    GaugeWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames(PARTITION)
        .callback(callback -> partitions.forEach((partition, state) -> {
          double v = value.applyAsDouble(state);
          if (!Double.isNaN(v)) {
            callback.call(v, Integer.toString(partition));
          }
        }))
        .register(registry);
  }

  private double lagSeconds(PartitionState s) {
    if (s.lagEvents <= 0 || Double.isNaN(s.oldestCreated)) {
      return s.lagEvents < 0 ? Double.NaN : 0;
    }
    double now = clock.instant().toEpochMilli() / 1000.0;
    return Math.max(0, now - s.oldestCreated);
  }

  private static double seconds(Duration d) {
    return Math.max(0, d.toNanos() / 1e9);
  }

  private PartitionState state(int partition) {
    return partitions.computeIfAbsent(partition, p -> new PartitionState(clock.instant()));
  }

  /** The registry holding these metrics, for an exporter; never null. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** The metrics as the Prometheus text format shows them; for tests and diagnostics. */
  public String scrapeText() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: writing to memory
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void assigned(int partition) {
    PartitionState s = state(partition);
    s.stopped = false;
  }

  @Override
  public void eventHandled(int partition, String kind, EventOutcome outcome, Duration took) {
    events.labelValues(Integer.toString(partition), kind, outcome.label()).inc();
    if (outcome != EventOutcome.FILTERED) {
      applySeconds.observe(seconds(took));
    }
    if (outcome != EventOutcome.FAILED) {
      PartitionState s = state(partition);
      s.lastApplied = clock.instant();
      s.stopped = false;
    }
  }

  @Override
  public void retried() {
    retries.inc();
  }

  @Override
  public void committed(int partition, long nextOffset) {
    state(partition).committedOffset = nextOffset;
  }

  @Override
  public void lag(int partition, long events, OptionalDouble oldestCreated) {
    PartitionState s = state(partition);
    // Written before the count: a scrape in between shows the new age with the old count, never
    // a stale age with a new count.
    s.oldestCreated = oldestCreated.orElse(Double.NaN);
    s.lagEvents = Math.max(0, events);
  }

  @Override
  public void stopped(int partition, boolean stopped) {
    state(partition).stopped = stopped;
  }
}
