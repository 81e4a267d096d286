package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.config.RetrySettings;

class BackoffTest {

    @Test
    void doublesUpToTheMaximumAndStaysThere() {
        Backoff b = Backoff.from(new RetrySettings(3, Duration.ofSeconds(2)));
        assertEquals(Duration.ofSeconds(2), b.delay(0));
        assertEquals(Duration.ofSeconds(4), b.delay(1));
        assertEquals(Duration.ofSeconds(8), b.delay(2));
        assertEquals(Duration.ofSeconds(16), b.delay(3));
        assertEquals(Duration.ofSeconds(16), b.delay(4));
        assertEquals(Duration.ofSeconds(16), b.delay(1_000));
    }

    @Test
    void neverPausesLessThanTheMinimum() {
        Backoff zero = Backoff.from(new RetrySettings(0, Duration.ZERO));
        assertEquals(Backoff.MIN_DELAY, zero.delay(0));
        assertEquals(Backoff.MIN_DELAY, zero.delay(70));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).delay(-1));
    }
}
