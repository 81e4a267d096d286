package org.vcsreplicator.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of our daemons on a thread of this JVM, under a supervisor like the systemd units of
 * {@code examples/systemd} ({@code Restart=always}): when its run ends (exit code or exception),
 * it is opened again after a short pause, unless it was told not to restart. The instance is
 * opened, run and closed on the daemon's own thread (a Kafka consumer belongs to one thread).
 *
 * <p>Thread-safe.
 */
final class Daemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Daemon.class);
  /** systemd's RestartSec, shortened: the pause before a restart, not a wait for anything. */
  private static final Duration RESTART_PAUSE = Duration.ofMillis(300);

  /** One run of the daemon. */
  interface Instance extends AutoCloseable {
    /** Runs until stopped or failed; returns the process exit code the CLI would return. */
    int run() throws Exception;

    /** Asks {@link #run()} to return; from another thread. */
    void stop();

    @Override
    void close();
  }

  /** Opens a new instance (reads the config, connects). */
  @FunctionalInterface
  interface Factory {
    Instance open() throws Exception;
  }

  enum Restart { ALWAYS, NEVER }

  private final String name;
  private final Factory factory;
  private final Restart restart;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final List<Integer> exits = new ArrayList<>();
  private int starts;
  private volatile Instance current;
  private Thread thread;

  private Daemon(String name, Factory factory, Restart restart) {
    this.name = name;
    this.factory = factory;
    this.restart = restart;
  }

  /** Starts the daemon's thread. */
  static Daemon start(String name, Restart restart, Factory factory) {
    Daemon d = new Daemon(name, factory, restart);
    d.thread = new Thread(d::supervise, name);
    d.thread.setDaemon(true);
    d.thread.start();
    return d;
  }

  private void supervise() {
    while (closing.getCount() > 0) {
      int code;
      Instance instance = null;
      try {
        instance = factory.open();
        synchronized (this) {
          starts++;
          current = instance;
        }
        if (closing.getCount() == 0) {
          instance.stop();
        }
        code = instance.run();
      } catch (Exception | AssertionError e) {
        log.warn("daemon {} ended with {}", name, e.toString(), e);
        code = -1;
      } finally {
        current = null;
        if (instance != null) {
          instance.close();
        }
      }
      synchronized (this) {
        exits.add(code);
        notifyAll();
      }
      if (restart == Restart.NEVER) {
        return;
      }
      if (closing.getCount() > 0) {
        log.info("daemon {} exited {}; restarting", name, code);
        try {
          closing.await(RESTART_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  String name() {
    return name;
  }

  /** How many times an instance was opened. */
  synchronized int starts() {
    return starts;
  }

  /** Exit codes of the runs that ended ({@code -1}: an exception), in order. */
  synchronized List<Integer> exits() {
    return List.copyOf(exits);
  }

  boolean isAlive() {
    return thread.isAlive();
  }

  /** For {@link Restart#NEVER}: waits until the run ends and returns its exit code. */
  synchronized Optional<Integer> awaitExit(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (exits.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
    return Optional.of(exits.get(exits.size() - 1));
  }

  /** Stops the run in hand (graceful), no restart; waits for the thread. */
  @Override
  public void close() {
    closing.countDown();
    Instance instance = current;
    if (instance != null) {
      instance.stop();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("daemon {} did not stop within 60 s", name);
    }
  }
}
