package org.vcsreplicator.consumer;

import java.time.Duration;

/**
 * Waits between retries. The real one is {@link StopSignal#pause(Duration)}, which a stop request
 * cuts short; tests pass one that only records the delays.
 */
@FunctionalInterface
public interface Pause {
  /**
   * @param duration how long to wait, never null
   * @return true when the whole pause passed, false when it was cut short by a stop request
   */
  boolean pause(Duration duration);
}
