package org.vcsreplicator.cli;

import java.io.PrintWriter;
import org.vcsreplicator.offsets.CheckReport;
import org.vcsreplicator.offsets.CheckStatus;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

/**
 * Marks a subcommand that Nagios runs. Nagios reads exit code 2 as CRITICAL, and picocli's default
 * exit code for bad usage is 2, so a typo in a check's command line would page someone for a
 * replication problem that does not exist. For these commands {@link UsageErrors} answers bad usage
 * with exit 3 (UNKNOWN) and a first output line {@code UNKNOWN - <reason>}, which Nagios shows.
 */
interface NagiosCheck {

  /** Handles usage errors of {@link NagiosCheck} commands; other commands keep the default. */
  final class UsageErrors implements IParameterExceptionHandler {
    private final IParameterExceptionHandler others;

    /** @param others the handler for commands that are not Nagios checks; never null */
    UsageErrors(IParameterExceptionHandler others) {
      this.others = others;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) throws Exception {
      CommandLine cmd = ex.getCommandLine();
      if (!(cmd.getCommand() instanceof NagiosCheck)) {
        return others.handleParseException(ex, args);
      }
      PrintWriter out = cmd.getOut();
      CheckReport.unknown(ex.getMessage()).lines().forEach(out::println);
      out.flush();
      PrintWriter err = cmd.getErr();
      err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
      err.flush();
      return CheckStatus.UNKNOWN.exitCode();
    }
  }
}
