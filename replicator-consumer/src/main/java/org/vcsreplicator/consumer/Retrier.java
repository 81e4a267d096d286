package org.vcsreplicator.consumer;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.RetrySettings;

/**
 * The single place where transient failures are retried: runs an attempt, and while it ends in
 * {@link Outcome.TransientFailure} and the {@link RetrySettings} allow, pauses ({@code 2, 4, 8, …}
 * seconds by default) and tries again. A transient failure that outlives its retries becomes a
 * {@link Outcome.PermanentFailure} whose reason says so, the way the original's log says {@code
 * failed after 6 attempts} or {@code failed (retries disabled)}.
 *
 * <p>Expected retries log at WARN with the attempt count and the next delay, never at ERROR.
 *
 * <p>Public for the bootstrap of a new mirror, which retries the same way.
 *
 * <p>Thread-safe if the {@link Pause} is.
 */
public final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLog.NAME);

  private final RetrySettings policy;
  private final Pause pause;

  /**
   * @param policy how often and how long to retry, never null
   * @param pause waits between attempts, never null
   */
  public Retrier(RetrySettings policy, Pause pause) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.pause = Objects.requireNonNull(pause, "pause");
  }

  /**
   * Runs {@code attempt} until it applies, fails permanently, or runs out of retries.
   *
   * @param what names the work in log lines, e.g. the event's display string
   * @return never null; a {@link Outcome.TransientFailure} only when a stop request cut a pause
   *     short (the caller is stopping and must not commit)
   */
  public Outcome run(String what, Supplier<Outcome> attempt) {
    for (int failed = 0; ; ) {
      Outcome outcome = attempt.get();
      if (!(outcome instanceof Outcome.TransientFailure t)) {
        return outcome;
      }
      failed++;
      if (failed > policy.maxRetries()) {
        return Outcome.permanentFailure(policy.maxRetries() == 0
            ? "failed (retries disabled): " + t.reason()
            : "failed after " + failed + " attempts: " + t.reason());
      }
      Duration delay = policy.delayBeforeRetry(failed - 1);
      log.warn("{} failed ({}); retrying in {}s (attempt {} of {})",
          what, t.reason(), seconds(delay), failed, policy.maxRetries());
      if (!pause.pause(delay)) {
        return t;
      }
    }
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? Long.toString(d.toSeconds()) : Double.toString(d.toMillis() / 1000.0);
  }
}
