package org.vcsreplicator.consumer;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A one-way "please stop" shared by a consume loop, its back-off pauses and whoever asks it to
 * stop (a signal handler, a test). Once requested it stays requested.
 *
 * <p>Thread-safe.
 */
public final class StopSignal {
  private final CountDownLatch requested = new CountDownLatch(1);

  /** Asks everything watching this signal to stop; idempotent. */
  public void request() {
    requested.countDown();
  }

  public boolean isRequested() {
    return requested.getCount() == 0;
  }

  /**
   * Pauses for {@code duration} unless a stop is requested first.
   *
   * @return true when the full duration passed, false when a stop cut it short (or the thread was
   *     interrupted, which is treated as a stop request)
   */
  public boolean pause(Duration duration) {
    try {
      return !requested.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      request();
      return false;
    }
  }
}
