package org.vcsreplicator.sandbox;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The sandbox's own output: one line per thing that happened, with the seconds since start and
 * the part it concerns, e.g. {@code [  3.1s] kafka     broker up at localhost:41231}. These
 * lines are the user interface; the daemons' logs go to a file in the data directory.
 *
 * <p>Thread-safe: parts print from their own threads, a line is never split.
 */
final class Progress {
  private static final int PART_WIDTH = 11;

  private final PrintWriter out;
  private final Clock clock;
  private final Instant start;

  Progress(PrintWriter out, Clock clock) {
    this.out = Objects.requireNonNull(out, "out");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.start = clock.instant();
  }

  /** Prints one line about {@code part}. */
  synchronized void say(String part, String message) {
    double seconds = Duration.between(start, clock.instant()).toMillis() / 1000.0;
    out.printf(Locale.ROOT, "[%6.1fs] %-" + PART_WIDTH + "s %s%n", seconds, part, message);
    out.flush();
  }

  /** Prints {@code message} continuing the previous line's part, indented under its message. */
  synchronized void detail(String message) {
    out.println(" ".repeat(11 + PART_WIDTH) + message);
    out.flush();
  }

  /** Prints a line without time or part (headings, the push instructions). */
  synchronized void plain(String line) {
    out.println(line);
    out.flush();
  }

  /** Time since start, for summaries. */
  Duration elapsed() {
    return Duration.between(start, clock.instant());
  }
}
