package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.config.RetrySettings;

/** The one retry loop, with a pause that only records (back-off arithmetic: RetrySettingsTest in core). */
class RetrierTest {

  @Test
  void retriesTransientFailuresWithGrowingPauses() {
    List<Duration> pauses = new ArrayList<>();
    Retrier retrier = new Retrier(new RetrySettings(3, Duration.ofSeconds(1)), d -> pauses.add(d));
    AtomicInteger attempts = new AtomicInteger();
    Outcome outcome = retrier.run("x", () ->
        attempts.incrementAndGet() < 3 ? Outcome.transientFailure("lock held") : Outcome.applied());
    assertTrue(outcome.isApplied());
    assertEquals(3, attempts.get());
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), pauses);
  }

  @Test
  void transientFailureOutlivingItsRetriesBecomesPermanent() {
    List<Duration> pauses = new ArrayList<>();
    Retrier retrier = new Retrier(RetrySettings.defaults(), d -> pauses.add(d));
    AtomicInteger attempts = new AtomicInteger();
    Outcome outcome = retrier.run("x", () -> {
      attempts.incrementAndGet();
      return Outcome.transientFailure("master unreachable");
    });
    assertEquals(new Outcome.PermanentFailure("failed after 6 attempts: master unreachable"), outcome);
    assertEquals(6, attempts.get());
    assertEquals(List.of(2L, 4L, 8L, 16L, 32L), pauses.stream().map(Duration::toSeconds).toList());
  }

  @Test
  void withRetriesDisabledTheFirstTransientFailureIsFinal() {
    Retrier retrier = new Retrier(new RetrySettings(0, Duration.ZERO), d -> {
      throw new AssertionError("must not pause");
    });
    assertEquals(new Outcome.PermanentFailure("failed (retries disabled): boom"),
        retrier.run("x", () -> Outcome.transientFailure("boom")));
  }

  @Test
  void permanentFailureIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    Retrier retrier = new Retrier(RetrySettings.defaults(), d -> true);
    Outcome outcome = retrier.run("x", () -> {
      attempts.incrementAndGet();
      return Outcome.permanentFailure("repo missing");
    });
    assertEquals(new Outcome.PermanentFailure("repo missing"), outcome);
    assertEquals(1, attempts.get());
  }

  @Test
  void stopDuringPauseReturnsTheTransientFailure() {
    Retrier retrier = new Retrier(RetrySettings.defaults(), d -> false);
    assertEquals(new Outcome.TransientFailure("lock"), retrier.run("x", () -> Outcome.transientFailure("lock")));
  }

  @Test
  void stopSignalCutsPauseShort() {
    StopSignal stop = new StopSignal();
    stop.request();
    long start = System.nanoTime();
    assertFalse(stop.pause(Duration.ofMinutes(5)));
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos());
  }
}
