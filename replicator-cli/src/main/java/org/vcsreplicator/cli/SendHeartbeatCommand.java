package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code send-heartbeat CONFIG}: proves every mapped partition is writable (the original's {@code hg sendheartbeat}). */
@Command(name = "send-heartbeat", description = "Write a heartbeat into every mapped partition of the replication log.")
final class SendHeartbeatCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The producer's INI file.")
  Path config;

  @Override
  public Integer call() {
    return OperatorProducer.run(config, spec.commandLine().getErr(),
        c -> c.sendHeartbeat(spec.commandLine().getOut()));
  }
}
