package org.vcsreplicator.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ReplicationMetrics} for tests: remembers every call, and the last value of each gauge.
 * Thread-safe enough for a loop on one thread and a test reading after it.
 */
public final class RecordingMetrics implements ReplicationMetrics {

  /** One {@link #eventHandled} call, without its duration. */
  public record Handled(int partition, String kind, EventOutcome outcome) {}

  /** One {@link #lag} call. */
  public record Lag(long events, OptionalDouble oldestCreated) {}

  public final List<Integer> assigned = new ArrayList<>();
  public final List<Handled> handled = new ArrayList<>();
  public final List<Duration> durations = new ArrayList<>();
  public final AtomicInteger retries = new AtomicInteger();
  public final Map<Integer, Long> committed = new TreeMap<>();
  public final Map<Integer, Lag> lag = new TreeMap<>();
  public final Map<Integer, Boolean> stopped = new TreeMap<>();

  @Override
  public synchronized void assigned(int partition) {
    assigned.add(partition);
  }

  @Override
  public synchronized void eventHandled(int partition, String kind, EventOutcome outcome, Duration took) {
    handled.add(new Handled(partition, kind, outcome));
    durations.add(took);
  }

  @Override
  public void retried() {
    retries.incrementAndGet();
  }

  @Override
  public synchronized void committed(int partition, long nextOffset) {
    committed.put(partition, nextOffset);
  }

  @Override
  public synchronized void lag(int partition, long events, OptionalDouble oldestCreated) {
    lag.put(partition, new Lag(events, oldestCreated));
  }

  @Override
  public synchronized void stopped(int partition, boolean isStopped) {
    stopped.put(partition, isStopped);
  }

  /** Whether {@code partition} was last reported stopped. */
  public synchronized boolean isStopped(int partition) {
    return stopped.getOrDefault(partition, false);
  }
}
