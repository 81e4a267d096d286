package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code replicate-delete CONFIG REPO}: deletes the repo here and on every mirror. */
@Command(name = "replicate-delete", description = "Delete a master repository and tell mirrors to delete it.")
final class ReplicateDeleteCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The producer's INI file.")
  Path config;

  // No default: deleting "the repo around the current directory" by accident is too easy.
  @CommandLine.Parameters(index = "1", paramLabel = "REPO", description = "The repository to delete.")
  Path repo;

  @Override
  public Integer call() {
    return OperatorProducer.run(config, spec.commandLine().getErr(),
        c -> c.replicateDelete(repo.toAbsolutePath().normalize(), spec.commandLine().getOut()));
  }
}
