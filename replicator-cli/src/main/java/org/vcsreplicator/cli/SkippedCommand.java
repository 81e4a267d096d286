package org.vcsreplicator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code skipped list|replay}: the audit trail of operator skips (SPEC §7). Every {@code --skip}
 * writes a record to the skip audit topic ({@code [consumer] skip_topic}, default
 * {@code <topic>-skipped}) before the offset moves; these commands read it back and put a skipped
 * event back on this mirror.
 */
@Command(name = "skipped", mixinStandardHelpOptions = true,
    description = "The events operators dropped with --skip, recorded in the skip audit topic "
        + "([consumer] skip_topic, default <topic>-skipped) with who, when, why and the full event.",
    subcommands = {SkippedListCommand.class, SkippedReplayCommand.class, CommandLine.HelpCommand.class})
final class SkippedCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
