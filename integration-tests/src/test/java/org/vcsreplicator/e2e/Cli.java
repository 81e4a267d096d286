package org.vcsreplicator.e2e;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.vcsreplicator.cli.Main;
import picocli.CommandLine;

/** Runs {@code bin/vcsreplicator SUBCOMMAND …} in this JVM, as an operator types it; output captured. */
final class Cli {
  /** One finished command. */
  record Run(List<String> args, int exit, String out, String err) {
    /** This run, asserted to have exited 0; the message shows the command and its output. */
    Run ok() {
      if (exit != 0) {
        throw new AssertionError("vcsreplicator " + String.join(" ", args) + " exited " + exit + ":\n" + out + err);
      }
      return this;
    }
  }

  private Cli() {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(List.of(args), exit, out.toString(), err.toString());
  }
}
