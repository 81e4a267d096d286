package org.vcsreplicator.metrics;

import java.time.Duration;
import java.util.OptionalDouble;

/** {@link ReplicationMetrics#none()}: every call does nothing. Stateless, thread-safe. */
final class NoMetrics implements ReplicationMetrics {
  static final NoMetrics INSTANCE = new NoMetrics();

  private NoMetrics() {}

  @Override
  public void assigned(int partition) {}

  @Override
  public void eventHandled(int partition, String kind, EventOutcome outcome, Duration took) {}

  @Override
  public void retried() {}

  @Override
  public void committed(int partition, long nextOffset) {}

  @Override
  public void lag(int partition, long events, OptionalDouble oldestCreated) {}

  @Override
  public void stopped(int partition, boolean stopped) {}

  @Override
  public String toString() {
    return "ReplicationMetrics.none()";
  }
}
