package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.producer.MasterHgrc;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code hgrc-snippet [CONFIG]} (also {@code producer-hgrc}): prints the hgrc lines an operator
 * adds to the master's global hgrc so that every hg process talks to the producer daemon, with the
 * absolute path of this installation's hook module. Installation is copy-paste.
 */
@Command(name = "hgrc-snippet", aliases = "producer-hgrc", mixinStandardHelpOptions = true,
    description = {
        "Print the hgrc snippet that installs the replication hooks on the master.",
        "Add it to the master's global hgrc (e.g. /etc/mercurial/hgrc.d/vcsreplicator.rc): `hg init` "
            + "runs before any repository hgrc exists."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:snippet printed", "1:CONFIG unreadable or invalid, or the hook module is missing"})
final class HgrcSnippetCommand implements Callable<Integer> {
  static final String MODULE = MasterHgrc.MODULE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
      description = "The producer daemon's INI file; checked, and its [replicationproducer] socket used.")
  Path config;

  @CommandLine.Option(names = "--socket",
      description = "The daemon's socket (default: CONFIG's [replicationproducer] socket, else "
          + ProducerDaemonCommand.DEFAULT_SOCKET + ").")
  String socket;

  @CommandLine.Option(names = "--hook-module",
      description = "Path of vcsreplicator_hghook.py (default: the one of this installation).")
  Path module;

  @CommandLine.Option(names = "--unfiltered-user", paramLabel = "LOGIN",
      description = "The login mirrors pull as ([replication] unfiltereduser): served hidden changesets "
          + "too, so a mirror behind can pull heads obsoleted since. Without it the line is a comment.")
  String unfilteredUser;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String socketPath = socket;
    if (config != null) {
      try {
        IniFile ini = IniFile.load(config);
        // The snippet is only useful with a config the daemon accepts: check it now, not at the
        // first push.
        ProducerSettings.from(ini);
        if (socketPath == null) {
          socketPath = ini.get(ProducerSettings.SECTION, ProducerDaemonCommand.SOCKET_KEY).orElse(null);
        }
      } catch (ConfigException e) {
        err.println("vcsreplicator: " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    if (socketPath == null) {
      socketPath = ProducerDaemonCommand.DEFAULT_SOCKET;
    }
    Path m = (module != null ? module : installedModule()).toAbsolutePath().normalize();
    if (!Files.isRegularFile(m)) {
      err.println("vcsreplicator: hook module not found: " + m + " (use --hook-module)");
      err.flush();
      return 1;
    }
    Path extension = MasterHgrc.extension(m);
    if (!Files.isRegularFile(extension)) {
      err.println("vcsreplicator: hg extension not found: " + extension + " (expected beside the hook module)");
      err.flush();
      return 1;
    }
    out.print(hgrc(socketPath, m, Optional.ofNullable(unfilteredUser)));
    out.flush();
    return 0;
  }

  /**
   * The snippet for a daemon on {@code socket}, the hook module at {@code module} and the extension
   * beside it.
   */
  static String hgrc(String socket, Path module, Optional<String> unfilteredUser) {
    return MasterHgrc.snippet(socket, module, unfilteredUser);
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
      Path code = Path.of(HgrcSnippetCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // replicator-cli/target/replicator-cli.jar or replicator-cli/target/classes
      return code.getParent().getParent().getParent().resolve(MODULE);
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of(MODULE);
    }
  }
}
