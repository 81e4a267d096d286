package org.vcsreplicator.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;

/** Loop mechanics of the daemon, over a scripted step. */
class AggregatorDaemonTest {

  /** A step that returns or throws the scripted results in turn, then returns 0. */
  private static final class ScriptedStep implements AggregatorStep {
    final Deque<Object> script = new ArrayDeque<>();
    final AtomicInteger calls = new AtomicInteger();

    ScriptedStep then(Object result) {
      script.add(result);
      return this;
    }

    @Override
    public int synchronize(java.util.function.BooleanSupplier stopRequested) throws ReplicationLogUnavailableException {
      calls.incrementAndGet();
      Object next = script.poll();
      if (next instanceof ReplicationLogUnavailableException e) {
        throw e;
      }
      if (next instanceof RuntimeException e) {
        throw e;
      }
      return next == null ? 0 : (Integer) next;
    }
  }

  private static AggregatorDaemon.Options options(int maxPolls, boolean onetime, int retries) {
    return new AggregatorDaemon.Options(maxPolls, onetime, Duration.ZERO, new RetrySettings(retries, Duration.ZERO));
  }

  @Test
  void maxPollsOneExitsGracefullyWithTheOriginalsLines() {
    ScriptedStep step = new ScriptedStep();
    try (LogCapture logs = new LogCapture()) {
      assertEquals(0, new AggregatorDaemon(step, options(1, false, 0)).run());
      assertEquals(List.of("hit max polls threshold; exiting", "executing loop exiting gracefully"), logs.lines());
      assertEquals(List.of("hit max polls threshold; exiting", "executing loop exiting gracefully"), logs.at(Level.WARN));
    }
    assertEquals(1, step.calls.get());
  }

  @Test
  void countsPollsUpToMax() {
    ScriptedStep step = new ScriptedStep().then(3).then(0).then(1);
    assertEquals(0, new AggregatorDaemon(step, options(5, false, 0)).run());
    assertEquals(5, step.calls.get());
  }

  @Test
  void onetimeRunsOnePoll() {
    ScriptedStep step = new ScriptedStep().then(2);
    try (LogCapture logs = new LogCapture()) {
      assertEquals(0, new AggregatorDaemon(step, options(1800, true, 0)).run());
      assertEquals(List.of("executing loop exiting gracefully"), logs.lines());
    }
    assertEquals(1, step.calls.get());
  }

  @Test
  void transientFailuresAreRetriedAndDoNotCountAsPolls() {
    ScriptedStep step = new ScriptedStep()
        .then(new ReplicationLogUnavailableException("broker down"))
        .then(new ReplicationLogUnavailableException("broker still down"))
        .then(1);
    try (LogCapture logs = new LogCapture()) {
      assertEquals(0, new AggregatorDaemon(step, options(2, false, 2)).run());
      assertTrue(logs.at(Level.WARN).get(0).startsWith("aggregation failed (broker down); retrying in 0 ms (attempt 1 of 2)"),
          logs.lines().toString());
    }
    assertEquals(4, step.calls.get());
  }

  @Test
  void exhaustedRetriesExitOne() {
    ScriptedStep step = new ScriptedStep()
        .then(new ReplicationLogUnavailableException("a"))
        .then(new ReplicationLogUnavailableException("b"));
    try (LogCapture logs = new LogCapture()) {
      assertEquals(1, new AggregatorDaemon(step, options(10, false, 1)).run());
      assertEquals(List.of("aggregation failed after 2 attempts: b"), logs.at(Level.ERROR));
      assertEquals("executing loop exiting after error", logs.lines().get(logs.lines().size() - 1));
    }
  }

  @Test
  void retriesDisabledSaysSo() {
    ScriptedStep step = new ScriptedStep().then(new ReplicationLogUnavailableException("down"));
    try (LogCapture logs = new LogCapture()) {
      assertEquals(1, new AggregatorDaemon(step, options(10, false, 0)).run());
      assertEquals(List.of("aggregation failed (retries disabled): down"), logs.at(Level.ERROR));
    }
  }

  @Test
  void bugExitsOneWithTheOriginalsLines() {
    ScriptedStep step = new ScriptedStep().then(new IllegalStateException("bug"));
    try (LogCapture logs = new LogCapture()) {
      assertEquals(1, new AggregatorDaemon(step, options(10, false, 5)).run());
      assertEquals(List.of("exception in daemon loop function", "executing loop exiting after error"), logs.lines());
    }
  }

  @Test
  void stopRequestEndsAnIdlePauseAtOnce() throws Exception {
    ScriptedStep step = new ScriptedStep();
    AggregatorDaemon daemon = new AggregatorDaemon(step,
        new AggregatorDaemon.Options(1800, false, Duration.ofHours(1), RetrySettings.defaults()));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(daemon::run);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (step.calls.get() == 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    daemon.requestStop();
    assertEquals(0, exit.get(10, TimeUnit.SECONDS));
    assertEquals(1, step.calls.get());
  }

  @Test
  void stepSeesTheStopRequest() {
    AggregatorDaemon[] daemon = new AggregatorDaemon[1];
    AtomicInteger sawStop = new AtomicInteger();
    daemon[0] = new AggregatorDaemon(stop -> {
      daemon[0].requestStop();
      if (stop.getAsBoolean()) {
        sawStop.incrementAndGet();
      }
      return 1;
    }, options(1800, false, 0));
    assertEquals(0, daemon[0].run());
    assertEquals(1, sawStop.get());
  }

  @Test
  void retriesAreCounted() {
    ScriptedStep step = new ScriptedStep()
        .then(new ReplicationLogUnavailableException("broker down"))
        .then(new ReplicationLogUnavailableException("broker still down"))
        .then(1);
    org.vcsreplicator.metrics.RecordingMetrics metrics = new org.vcsreplicator.metrics.RecordingMetrics();
    assertEquals(0, new AggregatorDaemon(step, options(2, false, 2), metrics).run());
    assertEquals(2, metrics.retries.get());
  }
}
