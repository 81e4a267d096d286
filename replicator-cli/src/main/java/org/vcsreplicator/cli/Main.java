package org.vcsreplicator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The single operator entry point ({@code bin/vcsreplicator SUBCOMMAND}). The only class of the
 * project that ends the JVM: every subcommand returns an exit code.
 */
@Command(
    name = "vcsreplicator",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.Provider.class,
    description = "Kafka-based replication of Mercurial repositories from a master to mirrors.",
    subcommands = {
        VersionCommand.class,
        ConsumeCommand.class,
        HeadsConsumeCommand.class,
        PrintOffsetsCommand.class,
        CheckLagCommand.class,
        CheckHeartbeatCommand.class,
        ProducerDaemonCommand.class,
        HgrcSnippetCommand.class,
        ReplicateInitCommand.class,
        SendHeartbeatCommand.class,
        ReplicateHgrcCommand.class,
        ReplicateSyncCommand.class,
        ReplicateDeleteCommand.class,
        RepoHashCommand.class,
        AggregateCommand.class,
        CheckAggregatorLagCommand.class,
        PulseNotifyCommand.class,
        SkippedCommand.class,
        BootstrapMasterCommand.class,
        BootstrapMirrorCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line; tests call it to run subcommands in process. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setUsageHelpAutoWidth(true);
    cli.setParameterExceptionHandler(new NagiosCheck.UsageErrors(cli.getParameterExceptionHandler()));
    return cli;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
