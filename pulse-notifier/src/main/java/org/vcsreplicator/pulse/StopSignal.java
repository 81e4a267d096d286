package org.vcsreplicator.pulse;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-way "please stop" flag that also ends a back-off pause at once. {@link #stop()} is called
 * from another thread (a shutdown hook); the loop checks {@link #isStopped()} between events and
 * pauses with {@link #pause(Duration)}.
 *
 * <p>Thread-safe.
 */
public class StopSignal {
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Asks the loop to stop; idempotent. */
    public void stop() {
        stopped.countDown();
    }

    /** @return whether a stop was asked for */
    public boolean isStopped() {
        return stopped.getCount() == 0;
    }

    /**
     * Waits for {@code delay} unless a stop comes first.
     *
     * @return true when the whole delay passed; false when stopped (or interrupted)
     */
    public boolean pause(Duration delay) {
        try {
            return !stopped.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
