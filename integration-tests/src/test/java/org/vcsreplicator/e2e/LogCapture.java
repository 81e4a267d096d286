package org.vcsreplicator.e2e;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Collects every log line of this JVM (root logger) while open, to assert on what an operator
 * would read in the daemons' logs. Thread-safe.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  /** One captured line. */
  record Line(Level level, String logger, String thread, String message) {
    @Override
    public String toString() {
      return level + " [" + thread + "] " + logger + " " + message;
    }
  }

  private final List<Line> lines = new ArrayList<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  LogCapture() {
    setName("e2e-capture");
    setContext(root.getLoggerContext());
    start();
    root.addAppender(this);
  }

  @Override
  protected synchronized void append(ILoggingEvent event) {
    lines.add(new Line(event.getLevel(), event.getLoggerName(), event.getThreadName(), event.getFormattedMessage()));
  }

  /** A snapshot of the lines so far, in order. */
  synchronized List<Line> lines() {
    return new ArrayList<>(lines);
  }

  /** The lines at {@code level} whose message contains {@code text}. */
  List<Line> find(Level level, String text) {
    return lines().stream().filter(l -> l.level() == level && l.message().contains(text)).toList();
  }

  /** The lines whose message contains {@code text}, any level. */
  List<Line> find(String text) {
    return lines().stream().filter(l -> l.message().contains(text)).toList();
  }

  @Override
  public void close() {
    root.detachAppender(this);
    stop();
  }
}
