package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code replicate-init CONFIG [REPO]}: announces a master repository created without the hooks. */
@Command(name = "replicate-init", mixinStandardHelpOptions = true,
    description = {
        "Record the creation of a master repository that was created without the replication hooks "
            + "(hg-repo-init-2), so mirrors create it.",
        "Mirrors create it empty: follow with replicate-sync when it has changesets or an hgrc."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:recorded", "255:abort (repo not found or not replicated, log unavailable, bad config)"})
final class ReplicateInitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The producer's INI file.")
  Path config;

  @CommandLine.Parameters(index = "1", paramLabel = "REPO", defaultValue = ".",
      description = "The repository (default: the one containing the current directory).")
  Path repo;

  @Override
  public Integer call() {
    return OperatorProducer.run(config, spec.commandLine().getErr(),
        c -> c.replicateInit(OperatorProducer.repoRoot(repo), spec.commandLine().getOut()));
  }
}
