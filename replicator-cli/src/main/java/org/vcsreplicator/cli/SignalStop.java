package org.vcsreplicator.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM and SIGINT into a graceful stop, as the original daemons did: the first signal
 * logs {@code received signal 15} and asks the work to stop (it finishes or abandons the event in
 * hand and exits normally); a second one gives up waiting and ends the JVM at once with status 1.
 *
 * <p>A shutdown hook cannot do this: it runs only once the JVM is already exiting, and cannot tell
 * which signal arrived. {@code sun.misc.Signal} (module jdk.unsupported) is the supported way.
 */
final class SignalStop implements AutoCloseable {
  private static final List<String> SIGNALS = List.of("TERM", "INT");

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private SignalStop() {}

  /**
   * @param log where {@code received signal N} goes (the daemon's own logger)
   * @param stop asks the work to stop; called once, from a signal thread
   */
  static SignalStop install(Logger log, Runnable stop) {
    SignalStop installed = new SignalStop();
    AtomicInteger received = new AtomicInteger();
    SignalHandler handler = signal -> {
      log.warn("received signal {}", signal.getNumber());
      if (received.incrementAndGet() == 1) {
        stop.run();
      } else {
        log.warn("already received exit signal; forcefully aborting");
        Runtime.getRuntime().halt(1);
      }
    };
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      installed.previous.add(Signal.handle(signal, handler));
      installed.signals.add(signal);
    }
    return installed;
  }

  /** Puts the previous handlers back. */
  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
