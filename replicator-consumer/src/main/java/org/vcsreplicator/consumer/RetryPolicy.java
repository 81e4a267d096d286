package org.vcsreplicator.consumer;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently a transient failure is retried: after the first failed attempt, up
 * to {@code maxRetries} more attempts, the n-th retry (0-based) waiting {@code baseDelay * 2^n}.
 * The default (5 retries after 2, 4, 8, 16, 32 s) is the original's; {@code maxRetries = 0}
 * disables retrying, as the original's tests do with {@code VCSREPLICATOR_RETRY_MAX_RETRIES=0}.
 *
 * <p>Pure and immutable; thread-safe.
 *
 * @param maxRetries retries after the first attempt, at least 0
 * @param baseDelay the wait before the first retry, not negative
 */
public record RetryPolicy(int maxRetries, Duration baseDelay) {

  public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(2));

  /** No retries at all: the first failure is final. */
  public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ZERO);

  /** Above this the doubling would overflow {@link Duration} arithmetic long before it matters. */
  private static final int MAX_SHIFT = 30;

  public RetryPolicy {
    Objects.requireNonNull(baseDelay, "baseDelay");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must not be negative, got " + maxRetries);
    }
    if (baseDelay.isNegative()) {
      throw new IllegalArgumentException("baseDelay must not be negative, got " + baseDelay);
    }
  }

  /**
   * Whether another attempt may follow {@code failedAttempts} failed ones.
   *
   * @param failedAttempts attempts made so far, all failed (at least 1)
   */
  public boolean mayRetryAfter(int failedAttempts) {
    return failedAttempts <= maxRetries;
  }

  /**
   * The wait before retry number {@code retryIndex} (0 for the first retry): {@code baseDelay *
   * 2^retryIndex}; never null.
   */
  public Duration delayBeforeRetry(int retryIndex) {
    if (retryIndex < 0) {
      throw new IllegalArgumentException("retryIndex must not be negative, got " + retryIndex);
    }
    return baseDelay.multipliedBy(1L << Math.min(retryIndex, MAX_SHIFT));
  }
}
