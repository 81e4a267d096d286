package org.vcsreplicator.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT handling for a daemon subcommand, as the original's {@code run_in_loop}: the
 * first signal asks the daemon to stop after the event in hand ({@code received signal 15},
 * {@code exiting gracefully}), so the process ends normally with its own exit code; a second
 * signal aborts at once with exit 1 ({@code already received exit signal; forcefully aborting}).
 *
 * <p>The JVM's own handling would start the shutdown sequence at the first signal and end with
 * status 143 whatever the daemon returns; handling the signals ourselves keeps the original's
 * "graceful stop exits 0". Where the JDK does not allow it, the JVM's default stays in place.
 *
 * <p>Closing restores the previous handlers.
 */
final class GracefulStop implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private GracefulStop() {}

  /**
   * Installs the handlers.
   *
   * @param log where the signal lines go (the daemon's logger)
   * @param requestStop asks the daemon to stop; called once, from the signal thread
   */
  static GracefulStop install(Logger log, Runnable requestStop) {
    GracefulStop stop = new GracefulStop();
    AtomicInteger received = new AtomicInteger();
    SignalHandler handler = signal -> {
      log.warn("received signal {}", signal.getNumber());
      if (received.incrementAndGet() == 1) {
        log.warn("exiting gracefully");
        requestStop.run();
        return;
      }
      log.warn("already received exit signal; forcefully aborting");
      Runtime.getRuntime().halt(1);
    };
    for (String name : List.of("TERM", "INT")) {
      try {
        Signal signal = new Signal(name);
        SignalHandler old = Signal.handle(signal, handler);
        stop.signals.add(signal);
        stop.previous.add(old);
      } catch (IllegalArgumentException e) {
        log.debug("cannot handle SIG{} here ({}); the JVM's default stays", name, e.getMessage());
      }
    }
    return stop;
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
