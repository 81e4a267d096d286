package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Back-off arithmetic and the one retry loop, with a pause that only records. */
class RetryPolicyTest {

  @Test
  void defaultWaitsTwoFourEightSixteenThirtyTwoSeconds() {
    RetryPolicy p = RetryPolicy.DEFAULT;
    List<Long> delays = new ArrayList<>();
    for (int i = 0; i < p.maxRetries(); i++) {
      delays.add(p.delayBeforeRetry(i).toSeconds());
    }
    assertEquals(List.of(2L, 4L, 8L, 16L, 32L), delays);
    assertTrue(p.mayRetryAfter(5));
    assertFalse(p.mayRetryAfter(6));
  }

  @Test
  void zeroRetriesMeansTheFirstFailureIsFinal() {
    assertFalse(new RetryPolicy(0, Duration.ofSeconds(2)).mayRetryAfter(1));
  }

  @Test
  void rejectsNegativeLimits() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(-1, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, Duration.ofSeconds(-1)));
  }

  @Test
  void hugeRetryIndexDoesNotOverflow() {
    assertEquals(Duration.ofSeconds(2).multipliedBy(1L << 30), RetryPolicy.DEFAULT.delayBeforeRetry(1000));
  }

  @Test
  void retriesTransientFailuresWithGrowingPauses() {
    List<Duration> pauses = new ArrayList<>();
    Retrier retrier = new Retrier(new RetryPolicy(3, Duration.ofSeconds(1)), d -> pauses.add(d));
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
    Retrier retrier = new Retrier(RetryPolicy.DEFAULT, d -> pauses.add(d));
    AtomicInteger attempts = new AtomicInteger();
    Outcome outcome = retrier.run("x", () -> {
      attempts.incrementAndGet();
      return Outcome.transientFailure("master unreachable");
    });
    assertEquals(new Outcome.PermanentFailure("failed after 6 attempts: master unreachable"), outcome);
    assertEquals(6, attempts.get());
    assertEquals(5, pauses.size());
  }

  @Test
  void withRetriesDisabledTheFirstTransientFailureIsFinal() {
    Retrier retrier = new Retrier(RetryPolicy.NONE, d -> {
      throw new AssertionError("must not pause");
    });
    assertEquals(new Outcome.PermanentFailure("failed (retries disabled): boom"),
        retrier.run("x", () -> Outcome.transientFailure("boom")));
  }

  @Test
  void permanentFailureIsNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    Retrier retrier = new Retrier(RetryPolicy.DEFAULT, d -> true);
    Outcome outcome = retrier.run("x", () -> {
      attempts.incrementAndGet();
      return Outcome.permanentFailure("repo missing");
    });
    assertEquals(new Outcome.PermanentFailure("repo missing"), outcome);
    assertEquals(1, attempts.get());
  }

  @Test
  void stopDuringPauseReturnsTheTransientFailure() {
    Retrier retrier = new Retrier(RetryPolicy.DEFAULT, d -> false);
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
