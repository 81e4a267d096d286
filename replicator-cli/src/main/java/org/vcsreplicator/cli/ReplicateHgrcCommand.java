package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code replicate-hgrc CONFIG [REPO]}: sends the repo's {@code .hg/hgrc} to the mirrors. */
@Command(name = "replicate-hgrc", description = "Replicate the hgrc of a master repository (none: delete it on mirrors).")
final class ReplicateHgrcCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The producer's INI file.")
  Path config;

  @CommandLine.Parameters(index = "1", paramLabel = "REPO", defaultValue = ".", description = "The repository (default: the one containing the current directory).")
  Path repo;

  @Override
  public Integer call() {
    return OperatorProducer.run(config, spec.commandLine().getErr(),
        c -> c.replicateHgrc(OperatorProducer.repoRoot(repo), spec.commandLine().getOut()));
  }
}
