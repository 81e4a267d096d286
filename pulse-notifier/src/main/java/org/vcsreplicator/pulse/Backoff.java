package org.vcsreplicator.pulse;

import java.time.Duration;
import java.util.Objects;
import org.vcsreplicator.config.RetrySettings;

/**
 * Delays between attempts at the same event: {@code base * 2^attempt}, never more than {@code max}
 * and never less than {@link #MIN_DELAY} (a zero delay would hammer a broker that is down).
 *
 * <p>Pure, immutable and thread-safe.
 *
 * @param base delay before the first retry, never null
 * @param max the largest delay, never null, at least {@code base}
 */
public record Backoff(Duration base, Duration max) {

    static final Duration MIN_DELAY = Duration.ofMillis(50);

    public Backoff {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || max.compareTo(base) < 0) {
            throw new IllegalArgumentException("back-off needs 0 <= base <= max, got " + base + " and " + max);
        }
    }

    /**
     * The notifier never gives up on an event it has not delivered (SPEC 2.2); it uses the
     * consumer section's retry settings for the shape: the delay doubles from {@code
     * retry_base_delay} for {@code retry_max_retries} retries and then stays there.
     */
    public static Backoff from(RetrySettings retry) {
        return new Backoff(retry.baseDelay(), retry.delayBeforeRetry(retry.maxRetries()));
    }

    /**
     * @param attempt the number of failed attempts so far minus one (0 before the first retry)
     * @return the delay before the next attempt, never null
     */
    public Duration delay(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt + " is negative");
        }
        Duration d = attempt >= 62 ? max : base.multipliedBy(1L << attempt);
        if (d.compareTo(max) > 0 || d.isNegative()) {
            d = max;
        }
        return d.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : d;
    }
}
