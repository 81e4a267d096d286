package org.vcsreplicator.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How often and how patiently a consumer retries an event that failed transiently: up to {@code
 * maxRetries} more attempts, the n-th retry (0-based) after {@code baseDelay * 2^n} (the original:
 * 5 retries after 2, 4, 8, 16 and 32 s).
 *
 * <p>Read from the consumer section's {@code retry_max_retries} and {@code retry_base_delay}
 * (seconds); the environment variables {@value #ENV_MAX_RETRIES} and {@value #ENV_BASE_DELAY}
 * override them, as they configured the original (its tests set the first to 0).
 *
 * @param maxRetries retries after the first attempt, non-negative
 * @param baseDelay delay before the first retry, non-negative
 */
public record RetrySettings(int maxRetries, Duration baseDelay) {
  public static final String ENV_MAX_RETRIES = "VCSREPLICATOR_RETRY_MAX_RETRIES";
  public static final String ENV_BASE_DELAY = "VCSREPLICATOR_RETRY_BASE_DELAY";
  public static final String KEY_MAX_RETRIES = "retry_max_retries";
  public static final String KEY_BASE_DELAY = "retry_base_delay";
  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(2);
  private static final Duration MAX_DELAY = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

  /**
   * @throws ConfigException (without file or section) when a value is negative
   */
  public RetrySettings {
    if (maxRetries < 0) {
      throw new ConfigException(null, null, KEY_MAX_RETRIES, "must not be negative");
    }
    Objects.requireNonNull(baseDelay, "baseDelay");
    if (baseDelay.isNegative()) {
      throw new ConfigException(null, null, KEY_BASE_DELAY, "must not be negative");
    }
  }

  /** 5 retries, 2 s base delay. */
  public static RetrySettings defaults() {
    return new RetrySettings(DEFAULT_MAX_RETRIES, DEFAULT_BASE_DELAY);
  }

  /**
   * The delay before retry number {@code retry} (0-based): {@code baseDelay * 2^retry}, saturating
   * instead of overflowing.
   */
  public Duration delayBeforeRetry(int retry) {
    if (retry < 0) {
      throw new IllegalArgumentException("retry " + retry + " is negative");
    }
    try {
      return baseDelay.multipliedBy(retry >= 63 ? Long.MAX_VALUE : 1L << retry);
    } catch (ArithmeticException e) {
      return MAX_DELAY;
    }
  }

  static RetrySettings read(SectionReader r, Map<String, String> env) {
    int maxRetries =
        Optional.ofNullable(env.get(ENV_MAX_RETRIES))
            .map(v -> parseEnvInt(ENV_MAX_RETRIES, v))
            .orElseGet(
                () ->
                    r.optional(KEY_MAX_RETRIES)
                        .map(v -> r.parseInt(KEY_MAX_RETRIES, v))
                        .orElse(DEFAULT_MAX_RETRIES));
    Duration baseDelay =
        Optional.ofNullable(env.get(ENV_BASE_DELAY))
            .map(
                v ->
                    SectionReader.parseSeconds(v)
                        .orElseThrow(
                            () ->
                                new ConfigException(
                                    ConfigException.ENVIRONMENT,
                                    null,
                                    ENV_BASE_DELAY,
                                    SectionReader.notSeconds(v))))
            .orElseGet(() -> r.seconds(KEY_BASE_DELAY, DEFAULT_BASE_DELAY));
    if (maxRetries < 0) {
      boolean fromEnv = env.containsKey(ENV_MAX_RETRIES);
      throw new ConfigException(
          fromEnv ? ConfigException.ENVIRONMENT : r.ini().source(),
          fromEnv ? null : r.section(),
          fromEnv ? ENV_MAX_RETRIES : KEY_MAX_RETRIES,
          "must not be negative: " + maxRetries);
    }
    return new RetrySettings(maxRetries, baseDelay);
  }

  private static int parseEnvInt(String name, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(
          ConfigException.ENVIRONMENT, null, name, "not an integer: '" + value + "'");
    }
  }
}
