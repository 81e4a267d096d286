package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code producer-hgrc}: prints the hgrc lines that make the master's hg talk to the producer
 * daemon, with the absolute path of this installation's hook module.
 */
@Command(name = "producer-hgrc",
    description = "Print the master hgrc section that installs the replication hooks.")
final class ProducerHgrcCommand implements Callable<Integer> {
  static final String MODULE = "hghooks/vcsreplicator_hghook.py";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--socket", defaultValue = ProducerDaemonCommand.DEFAULT_SOCKET,
      description = "The daemon's socket (default: ${DEFAULT-VALUE}).")
  String socket;

  @CommandLine.Option(names = "--hook-module",
      description = "Path of vcsreplicator_hghook.py (default: the one of this installation).")
  Path module;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path m = (module != null ? module : installedModule()).toAbsolutePath().normalize();
    if (!Files.isRegularFile(m)) {
      spec.commandLine().getErr().println("vcsreplicator: hook module not found: " + m + " (use --hook-module)");
      spec.commandLine().getErr().flush();
      return 1;
    }
    out.print(hgrc(socket, m));
    out.flush();
    return 0;
  }

  static String hgrc(String socket, Path module) {
    String python = "python:" + module + ":";
    return "[replicationproducer]\n"
        + "socket = " + socket + "\n"
        + "\n"
        + "[hooks]\n"
        + "precommit.vcsreplicator = " + python + "precommit\n"
        + "pretxnopen.vcsreplicator = " + python + "pretxnopen\n"
        + "pretxnclose.vcsreplicator = " + python + "pretxnclose\n"
        + "pre-init.vcsreplicator = " + python + "preinit\n"
        + "post-init.vcsreplicator = " + python + "postinit\n";
  }

  /**
   * {@code <home>/hghooks/…}: the launcher's {@link Installation#home()}, else derived from a CLI
   * running from {@code <home>/replicator-cli/target/…}.
   */
  static Path installedModule() {
    Optional<Path> home = Installation.home();
    if (home.isPresent()) {
      return home.get().resolve(MODULE);
    }
    try {
      Path code = Path.of(ProducerHgrcCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // replicator-cli/target/replicator-cli.jar or replicator-cli/target/classes
      return code.getParent().getParent().getParent().resolve(MODULE);
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of(MODULE);
    }
  }
}
