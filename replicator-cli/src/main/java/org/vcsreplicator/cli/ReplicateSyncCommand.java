package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code replicate-sync CONFIG [REPO]}: tells mirrors to bring the repo in line with the master. */
@Command(name = "replicate-sync", description = "Tell mirrors to synchronise a master repository (requirements, hgrc, heads).")
final class ReplicateSyncCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The producer's INI file.")
  Path config;

  @CommandLine.Parameters(index = "1", paramLabel = "REPO", defaultValue = ".", description = "The repository (default: the one containing the current directory).")
  Path repo;

  @CommandLine.Option(names = {"-b", "--bootstrap"}, description = "Bootstrap mode: regular consumers ignore the message; no heads message.")
  boolean bootstrap;

  @CommandLine.Option(names = "--no-heads", negatable = false, description = "Do not send the heads message.")
  boolean noHeads;

  @Override
  public Integer call() {
    return OperatorProducer.run(config, spec.commandLine().getErr(),
        c -> c.replicateSync(OperatorProducer.repoRoot(repo), bootstrap, !noHeads, spec.commandLine().getOut()));
  }
}
