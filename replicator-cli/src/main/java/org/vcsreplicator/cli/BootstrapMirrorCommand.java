package org.vcsreplicator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.bootstrap.BootstrapAudit;
import org.vcsreplicator.bootstrap.BootstrapException;
import org.vcsreplicator.bootstrap.BootstrapLog;
import org.vcsreplicator.bootstrap.BootstrapSnapshot;
import org.vcsreplicator.bootstrap.MirrorBootstrap;
import org.vcsreplicator.bootstrap.SnapshotFile;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.hg.HgUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bootstrap-mirror CONFIG SNAPSHOT [--workers N] [--audit FILE]}: the mirror half of
 * bootstrapping a new mirror, the original's {@code vcsreplicator-bootstrap-hgweb}. Thin: read
 * the snapshot and settings, run {@link MirrorBootstrap}, write the audit file.
 */
@Command(name = "bootstrap-mirror", mixinStandardHelpOptions = true,
    description = {
        "Mirror half of bootstrapping a new mirror; run it with every consumer daemon of the mirror stopped. "
            + "Reads the records of each partition's window of the snapshot (bootstrap-master's output), clones "
            + "every repository from its bootstrap sync (stream clone, else init and pull), writes its hgrc, "
            + "replays the window's later records of each repository, honours [replicationrules], and sets the "
            + "group's committed offsets to the window ends: the daemons, started afterwards, apply exactly "
            + "what came after the window.",
        "Per-repository problems (filtered, deleted on the master, failed) go to the audit file, a JSON "
            + "object {\"REPO\": [\"problem\", ...]}; one repository's failure never stops the others."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:every repository bootstrapped; group offsets at the window ends",
        "1:done, group offsets at the window ends, but the audit file lists repositories that need attention",
        "2:not done (bad usage, configuration, snapshot or Kafka; a running consumer of the group): the group's "
            + "offsets are not at the window ends"})
final class BootstrapMirrorCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BootstrapLog.NAME);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The mirror's vcsreplicator.ini.")
  Path config;

  @CommandLine.Parameters(index = "1", paramLabel = "SNAPSHOT", description = "The JSON document of bootstrap-master.")
  Path snapshotFile;

  @CommandLine.Option(names = "--workers", paramLabel = "N",
      description = "Repositories cloned at once (default: the number of processors).")
  Integer workers;

  @CommandLine.Option(names = "--audit", paramLabel = "FILE",
      description = "Where the audit file goes (default: " + BootstrapAudit.DEFAULT_FILE_NAME + " beside CONFIG).")
  Path audit;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    if (threads < 1) {
      return fail(err, "--workers must be at least 1, got " + threads);
    }
    Path auditFile = audit != null ? audit : BootstrapAudit.defaultPath(config);
    MirrorBootstrap.Result result;
    try {
      ConsumerSettings settings = ConsumerSettings.from(IniFile.load(config));
      log.info("reading hgssh JSON document");
      BootstrapSnapshot snapshot = SnapshotFile.read(snapshotFile);
      log.info("JSON document read");
      try (MirrorBootstrap bootstrap = MirrorBootstrap.open(settings, threads)) {
        result = bootstrap.run(snapshot);
      }
    } catch (ConfigException | BootstrapException | HgUnavailableException | KafkaException e) {
      return fail(err, e.getMessage());
    }
    try {
      if (result.isClean()) {
        // A file left by an earlier run would claim problems this run no longer has.
        if (Files.deleteIfExists(auditFile)) {
          log.info("removed the audit file of an earlier run: {}", auditFile);
        }
        out.println("bootstrap complete: every repository is in place");
        out.flush();
        return 0;
      }
      BootstrapAudit.write(auditFile, result.problems());
    } catch (IOException e) {
      return fail(err, "cannot write the audit file " + auditFile + ": " + e);
    }
    out.println("bootstrap complete; " + result.problems().size() + " repositories need attention, see " + auditFile);
    out.flush();
    return 1;
  }

  private static int fail(PrintWriter err, String message) {
    err.println("bootstrap-mirror: " + message);
    err.flush();
    return 2;
  }
}
