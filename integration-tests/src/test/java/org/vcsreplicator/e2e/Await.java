package org.vcsreplicator.e2e;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a condition by polling it until a deadline (never a bare sleep: TECH-NOTES, STYLE §10).
 * The poll interval only bounds how often the condition is asked, not how long anything takes.
 */
final class Await {
  /** A condition that may throw while the system is still settling (counted as "not yet"). */
  @FunctionalInterface
  interface Condition {
    boolean holds() throws Exception;
  }

  private static final long POLL_NANOS = Duration.ofMillis(50).toNanos();

  private Await() {}

  /**
   * Polls {@code condition} until it holds.
   *
   * @throws AssertionError naming {@code what} (and the last exception the condition threw) when
   *     it does not hold within {@code timeout}
   */
  static void until(Duration timeout, String what, Condition condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    while (true) {
      try {
        if (condition.holds()) {
          return;
        }
        last = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting until " + what, e);
      } catch (Exception e) {
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        AssertionError error = new AssertionError("not within " + timeout.toSeconds() + " s: " + what
            + (last == null ? "" : " (last attempt: " + last + ")"));
        if (last != null) {
          error.initCause(last);
        }
        throw error;
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
