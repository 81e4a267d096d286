package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine;

/**
 * One in-process run of {@code bin/vcsreplicator ARGS} through {@link Main#commandLine()}, with its
 * exit code and captured output.
 */
record CommandRun(int exitCode, String out, String err, long millis) {

  /** Runs {@code args}; a lag command reads "now" from {@code clock}. */
  static CommandRun run(Clock clock, String... args) {
    CommandLine cli = Main.commandLine();
    CommandLine sub = cli.getSubcommands().get(args[0]);
    if (sub != null && sub.getCommand() instanceof CheckLagCommand c) {
      c.clock = clock;
    }
    if (sub != null && sub.getCommand() instanceof PrintOffsetsCommand c) {
      c.clock = clock;
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    long t0 = System.nanoTime();
    int exit = cli.execute(args);
    return new CommandRun(exit, out.toString(), err.toString(), (System.nanoTime() - t0) / 1_000_000);
  }

  static CommandRun run(String... args) {
    return run(Clock.systemUTC(), args);
  }

  /** Standard output as lines. */
  List<String> lines() {
    return out.lines().toList();
  }

  /** Standard error as lines. */
  List<String> errLines() {
    return err.lines().toList();
  }

  @Override
  public String toString() {
    return "exit " + exitCode + " after " + millis + " ms\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
