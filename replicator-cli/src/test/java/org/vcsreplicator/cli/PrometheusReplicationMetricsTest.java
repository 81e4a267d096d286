package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalDouble;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.metrics.EventOutcome;

/** Names, labels and values of the exported metrics after calls, read from the text format. */
class PrometheusReplicationMetricsTest {
  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

  /** A clock the test moves. */
  private static final class MovingClock extends Clock {
    Instant now = T0;

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final MovingClock clock = new MovingClock();
  private final PrometheusReplicationMetrics metrics = new PrometheusReplicationMetrics(new PrometheusRegistry(), clock);

  /** The sample lines (no comments) of a scrape. */
  private List<String> samples() {
    return metrics.scrapeText().lines().filter(l -> !l.startsWith("#")).toList();
  }

  private void assertSample(String expected) {
    List<String> samples = samples();
    assertTrue(samples.contains(expected), "no line " + expected + " in:\n" + String.join("\n", samples));
  }

  @Test
  void countsEventsByPartitionKindAndOutcome() {
    metrics.eventHandled(2, "hg-changegroup-2", EventOutcome.APPLIED, Duration.ofMillis(300));
    metrics.eventHandled(2, "hg-changegroup-2", EventOutcome.APPLIED, Duration.ofMillis(300));
    metrics.eventHandled(2, "heartbeat-1", EventOutcome.APPLIED, Duration.ZERO);
    metrics.eventHandled(2, "hg-repo-init-2", EventOutcome.FILTERED, Duration.ZERO);
    metrics.eventHandled(3, "unknown", EventOutcome.FAILED, Duration.ofSeconds(3));

    assertSample("vcsreplicator_events_total{kind=\"hg-changegroup-2\",outcome=\"applied\",partition=\"2\"} 2.0");
    assertSample("vcsreplicator_events_total{kind=\"heartbeat-1\",outcome=\"applied\",partition=\"2\"} 1.0");
    assertSample("vcsreplicator_events_total{kind=\"hg-repo-init-2\",outcome=\"filtered\",partition=\"2\"} 1.0");
    assertSample("vcsreplicator_events_total{kind=\"unknown\",outcome=\"failed\",partition=\"3\"} 1.0");
    assertTrue(metrics.scrapeText().contains("# TYPE vcsreplicator_events_total counter"), metrics.scrapeText());
  }

  @Test
  void applySecondsIsAHistogramOfAppliedAndFailedEvents() {
    metrics.eventHandled(0, "hg-changegroup-2", EventOutcome.APPLIED, Duration.ofMillis(300));
    metrics.eventHandled(0, "hg-changegroup-2", EventOutcome.FAILED, Duration.ofSeconds(40));
    metrics.eventHandled(0, "hg-repo-init-2", EventOutcome.FILTERED, Duration.ZERO);

    assertTrue(metrics.scrapeText().contains("# TYPE vcsreplicator_apply_seconds histogram"), metrics.scrapeText());
    assertSample("vcsreplicator_apply_seconds_bucket{le=\"0.25\"} 0");
    assertSample("vcsreplicator_apply_seconds_bucket{le=\"0.5\"} 1");
    assertSample("vcsreplicator_apply_seconds_bucket{le=\"30.0\"} 1");
    assertSample("vcsreplicator_apply_seconds_bucket{le=\"60.0\"} 2");
    assertSample("vcsreplicator_apply_seconds_bucket{le=\"+Inf\"} 2");
    assertSample("vcsreplicator_apply_seconds_count 2");
    assertSample("vcsreplicator_apply_seconds_sum 40.3");
  }

  @Test
  void countsRetries() {
    metrics.retried();
    metrics.retried();
    assertSample("vcsreplicator_retries_total 2.0");
  }

  @Test
  void committedOffsetAndLagPerPartition() {
    metrics.assigned(0);
    metrics.assigned(1);
    metrics.committed(0, 17);
    metrics.lag(0, 0, OptionalDouble.empty());
    metrics.lag(1, 4, OptionalDouble.of(T0.getEpochSecond() - 90.5));

    assertSample("vcsreplicator_committed_offset{partition=\"0\"} 17.0");
    assertSample("vcsreplicator_lag_events{partition=\"0\"} 0.0");
    assertSample("vcsreplicator_lag_events{partition=\"1\"} 4.0");
    assertSample("vcsreplicator_lag_seconds{partition=\"0\"} 0.0");
    assertSample("vcsreplicator_lag_seconds{partition=\"1\"} 90.5");
    assertFalse(samples().stream().anyMatch(l -> l.startsWith("vcsreplicator_committed_offset{partition=\"1\"}")),
        "a partition with no known commit has no committed offset sample");
  }

  @Test
  void lagSecondsGrowsWhileTheEventInHandWaits() {
    metrics.lag(5, 1, OptionalDouble.of(T0.getEpochSecond()));
    clock.now = T0.plusSeconds(600);
    assertSample("vcsreplicator_lag_seconds{partition=\"5\"} 600.0");
  }

  @Test
  void secondsSinceLastApplyCountsFromAssignmentThenFromEachAppliedOrFilteredEvent() {
    metrics.assigned(4);
    clock.now = T0.plusSeconds(30);
    assertSample("vcsreplicator_seconds_since_last_apply{partition=\"4\"} 30.0");

    metrics.eventHandled(4, "hg-repo-init-2", EventOutcome.FILTERED, Duration.ZERO);
    clock.now = T0.plusSeconds(40);
    assertSample("vcsreplicator_seconds_since_last_apply{partition=\"4\"} 10.0");

    metrics.eventHandled(4, "hg-changegroup-2", EventOutcome.FAILED, Duration.ZERO);
    clock.now = T0.plusSeconds(100);
    assertSample("vcsreplicator_seconds_since_last_apply{partition=\"4\"} 70.0");
  }

  @Test
  void partitionStoppedIsOneWhileStoppedAndZeroOnceItMovesAgain() {
    metrics.assigned(0);
    metrics.assigned(6);
    metrics.stopped(6, true);
    assertSample("vcsreplicator_partition_stopped{partition=\"0\"} 0.0");
    assertSample("vcsreplicator_partition_stopped{partition=\"6\"} 1.0");

    metrics.eventHandled(6, "heartbeat-1", EventOutcome.APPLIED, Duration.ZERO);
    assertSample("vcsreplicator_partition_stopped{partition=\"6\"} 0.0");
  }

  @Test
  void everyMetricIsExportedWithItsTypeOnceAnEventWasHandled() {
    metrics.assigned(0);
    metrics.committed(0, 0);
    metrics.lag(0, 0, OptionalDouble.empty());
    metrics.eventHandled(0, "heartbeat-1", EventOutcome.APPLIED, Duration.ZERO);
    String text = metrics.scrapeText();
    for (String type : List.of(
        "vcsreplicator_events_total counter",
        "vcsreplicator_apply_seconds histogram",
        "vcsreplicator_retries_total counter",
        "vcsreplicator_committed_offset gauge",
        "vcsreplicator_lag_events gauge",
        "vcsreplicator_lag_seconds gauge",
        "vcsreplicator_seconds_since_last_apply gauge",
        "vcsreplicator_partition_stopped gauge")) {
      assertTrue(text.contains("# TYPE " + type + "\n"), type + " missing in:\n" + text);
    }
    assertSample("vcsreplicator_retries_total 0.0");
  }
}
