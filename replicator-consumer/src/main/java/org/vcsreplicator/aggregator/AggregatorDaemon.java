package org.vcsreplicator.aggregator;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.metrics.ReplicationMetrics;

/**
 * The aggregator's main loop (the original's {@code run_in_loop} around {@code _run_aggregation}):
 * poll, copy, and when nothing was pending pause for the poll interval; stop after {@code
 * maxPolls} polls (a supervisor restarts it, as in production), after one poll with {@code
 * onetime}, or when {@link #requestStop()} is called (SIGTERM), finishing the record in hand.
 *
 * <p>A transient Kafka failure is retried with exponential back-off ({@link RetrySettings}); once
 * the retries are exhausted, or on any other exception, the loop ends with exit code 1, and the
 * supervisor's restart resumes from the last committed offset.
 *
 * <p>Log lines (logger {@value AggregatorLog#NAME}), as the original's:
 * {@code hit max polls threshold; exiting}, {@code executing loop exiting gracefully},
 * {@code executing loop exiting after error}.
 *
 * <p>{@link #run()} runs on one thread; {@link #requestStop()} may be called from any thread.
 */
public final class AggregatorDaemon {
  private static final Logger log = LoggerFactory.getLogger(AggregatorLog.NAME);

  /** The original's default: exit after about half an hour of idle polls (bug 1302564). */
  public static final int DEFAULT_MAX_POLLS = 1800;
  /** The original's pause after a poll that found nothing to copy. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

  /**
   * How the loop runs.
   *
   * @param maxPolls stop after this many completed polls; positive
   * @param onetime stop after the first completed poll
   * @param pollInterval pause after a poll that copied nothing; not negative
   * @param retry how transient failures are retried; never null
   */
  public record Options(int maxPolls, boolean onetime, Duration pollInterval, RetrySettings retry) {
    public Options {
      if (maxPolls < 1) {
        throw new IllegalArgumentException("max polls must be at least 1, got " + maxPolls);
      }
      Objects.requireNonNull(pollInterval, "pollInterval");
      if (pollInterval.isNegative()) {
        throw new IllegalArgumentException("poll interval must not be negative, got " + pollInterval);
      }
      Objects.requireNonNull(retry, "retry");
    }

    /** The original's defaults: 1800 polls, 1 s interval, retries per {@link RetrySettings#defaults()}. */
    public static Options defaults() {
      return new Options(DEFAULT_MAX_POLLS, false, DEFAULT_POLL_INTERVAL, RetrySettings.defaults());
    }
  }

  private final AggregatorStep step;
  private final Options options;
  private final ReplicationMetrics metrics;
  private final CountDownLatch stop = new CountDownLatch(1);

  public AggregatorDaemon(AggregatorStep step, Options options) {
    this(step, options, ReplicationMetrics.none());
  }

  /** @param metrics counts the retries; never null */
  public AggregatorDaemon(AggregatorStep step, Options options, ReplicationMetrics metrics) {
    this.step = Objects.requireNonNull(step, "step");
    this.options = Objects.requireNonNull(options, "options");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Asks the loop to stop after the record in hand; idempotent, any thread. */
  public void requestStop() {
    stop.countDown();
  }

  public boolean isStopRequested() {
    return stop.getCount() == 0;
  }

  /**
   * Runs until a stop condition.
   *
   * @return the process exit code: 0 after a graceful stop, 1 after an error
   */
  public int run() {
    int polls = 0;
    int failures = 0;
    while (!isStopRequested()) {
      int copied;
      try {
        copied = step.synchronize(this::isStopRequested);
        failures = 0;
      } catch (ReplicationLogUnavailableException | KafkaException e) {
        failures++;
        if (failures > options.retry().maxRetries()) {
          log.error("aggregation failed{}: {}", options.retry().maxRetries() == 0
              ? " (retries disabled)" : " after " + failures + " attempts", e.getMessage());
          log.warn("executing loop exiting after error");
          return 1;
        }
        Duration delay = options.retry().delayBeforeRetry(failures - 1);
        log.warn("aggregation failed ({}); retrying in {} ms (attempt {} of {})",
            e.getMessage(), delay.toMillis(), failures, options.retry().maxRetries());
        metrics.retried();
        pause(delay);
        continue;
      } catch (RuntimeException e) {
        log.error("exception in daemon loop function", e);
        log.warn("executing loop exiting after error");
        return 1;
      }
      polls++;
      if (polls >= options.maxPolls()) {
        log.warn("hit max polls threshold; exiting");
        break;
      }
      if (options.onetime()) {
        break;
      }
      // Nothing was pending: wait instead of busy-polling the offsets.
      if (copied == 0) {
        pause(options.pollInterval());
      }
    }
    log.warn("executing loop exiting gracefully");
    return 0;
  }

  private void pause(Duration d) {
    try {
      stop.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requestStop();
    }
  }
}
