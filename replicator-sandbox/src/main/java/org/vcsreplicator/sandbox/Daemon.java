package org.vcsreplicator.sandbox;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One long-running part (a consumer loop, an aggregator, the notifier) on its own thread. When
 * it ends before the sandbox asked it to stop, that is news: the sandbox prints it (it usually
 * means an event could not be applied, and the log says which) and the demo fails.
 *
 * <p>Thread-safe.
 */
final class Daemon implements AutoCloseable {
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(15);

  /** The loop; returns how it ended, in words ("stopped", "failed: …"). */
  @FunctionalInterface
  interface Loop {
    String run() throws Exception;
  }

  private final String name;
  private final Runnable stopper;
  private final Thread thread;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicReference<String> unexpectedEnd = new AtomicReference<>();

  private Daemon(String name, Loop loop, Runnable stopper, Progress progress) {
    this.name = name;
    this.stopper = stopper;
    this.thread = new Thread(() -> {
      String end;
      try {
        end = loop.run();
      } catch (Exception | Error e) {
        end = "crashed: " + e;
      }
      if (!stopping.get()) {
        unexpectedEnd.set(end);
        progress.say(name, "STOPPED on its own (" + end + "); details in the log");
      }
    }, "sandbox-" + name);
    thread.setDaemon(true);
  }

  /**
   * Starts {@code loop} on a new thread.
   *
   * @param stopper asks the loop to return soon; called from another thread by {@link #close()}
   */
  static Daemon start(String name, Loop loop, Runnable stopper, Progress progress) {
    Daemon d = new Daemon(Objects.requireNonNull(name), Objects.requireNonNull(loop), Objects.requireNonNull(stopper),
        Objects.requireNonNull(progress));
    d.thread.start();
    return d;
  }

  String name() {
    return name;
  }

  /** How it ended, if it ended without being asked to. */
  Optional<String> unexpectedEnd() {
    return Optional.ofNullable(unexpectedEnd.get());
  }

  /** Asks the loop to stop without waiting. */
  void requestStop() {
    if (stopping.compareAndSet(false, true)) {
      stopper.run();
    }
  }

  /** Asks the loop to stop and waits for it (bounded). */
  @Override
  public void close() {
    requestStop();
    try {
      thread.join(JOIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
