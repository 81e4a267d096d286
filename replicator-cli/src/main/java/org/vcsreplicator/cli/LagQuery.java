package org.vcsreplicator.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.vcsreplicator.config.KafkaConnection;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.PartitionLag;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.offsets.LagReading;

/**
 * Reads the lag of consumer groups for the lag commands, with one deadline for the whole answer.
 *
 * <p>A Nagios check must answer before Nagios gives up on it (10 s by default for NRPE), whatever
 * Kafka does. {@link OffsetsAdmin} bounds each request, but a lag reading takes several requests in
 * a row, so the reading runs on its own thread and is abandoned when the deadline passes. Each
 * request gets half the deadline: a broker that is down is reported with Kafka's own reason well
 * before the deadline, and the deadline itself only catches a broker that answers slowly.
 */
final class LagQuery {

  /**
   * Default deadline: leaves a JVM start (about 1 s) and some margin inside NRPE's 10 s, so that
   * Nagios sees our UNKNOWN rather than its own timeout.
   */
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(8);

  private LagQuery() {}

  /**
   * The lag of each group on each partition of {@code topic}, by group in the given order, then by
   * partition.
   *
   * @param deadline at least 2 ms
   * @return never null
   * @throws ReplicationLogUnavailableException naming what failed and the Kafka hosts, when Kafka
   *     does not answer in time, the topic does not exist, or no client can be made from the
   *     settings
   */
  static List<LagReading> read(KafkaConnection kafka, String topic, List<String> groups, Duration deadline, Clock clock)
      throws ReplicationLogUnavailableException {
    String where = "Kafka at " + String.join(",", kafka.bootstrapServers());
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lag-query");
      // An abandoned reading must not keep the JVM alive.
      t.setDaemon(true);
      return t;
    });
    try {
      Future<List<PartitionLag>> answer = executor.submit(() -> {
        try (OffsetsAdmin admin = new OffsetsAdmin(KafkaClientConfig.from(kafka), deadline.dividedBy(2), clock)) {
          return admin.lag(groups, topic);
        }
      });
      try {
        return readings(answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        answer.cancel(true);
        throw new ReplicationLogUnavailableException("no answer from " + where + " about topic " + topic
            + " within " + seconds(deadline) + " s", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ReplicationLogUnavailableException u) {
          // Kafka's words for an unreachable cluster ("Timed out waiting for a node assignment")
          // do not say that nothing answered; say that first.
          Throwable why = u.getCause();
          if (why instanceof org.apache.kafka.common.errors.TimeoutException || why instanceof TimeoutException) {
            throw new ReplicationLogUnavailableException(
                where + " did not answer within " + seconds(deadline.dividedBy(2)) + " s (" + u.getMessage() + ")", u);
          }
          throw new ReplicationLogUnavailableException(u.getMessage() + " (" + where + ")", u);
        }
        if (cause instanceof KafkaException) {
          // Typically from creating the client: an invalid kafka.* setting, an unresolvable host.
          throw new ReplicationLogUnavailableException("cannot use " + where + ": " + cause.getMessage(), cause);
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        answer.cancel(true);
        throw new ReplicationLogUnavailableException("interrupted while reading offsets from " + where, e);
      }
    } finally {
      executor.shutdown();
    }
  }

  private static List<LagReading> readings(List<PartitionLag> lags) {
    List<LagReading> out = new ArrayList<>();
    for (PartitionLag l : lags) {
      out.add(new LagReading(l.topic(), l.group(), l.partition(), l.committedOffset(), l.endOffset(), l.lagSeconds()));
    }
    return List.copyOf(out);
  }

  /** {@code --timeout SECONDS} as a deadline. */
  static Duration deadline(double seconds) {
    if (!(seconds >= 0.002 && seconds <= 3600)) {
      throw new IllegalArgumentException("--timeout must be between 0.002 and 3600 seconds, got " + seconds);
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static String seconds(Duration d) {
    double s = d.toMillis() / 1000.0;
    return s == Math.rint(s) ? Long.toString((long) s) : Double.toString(s);
  }
}
