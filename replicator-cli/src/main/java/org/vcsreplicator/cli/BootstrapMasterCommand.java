package org.vcsreplicator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.bootstrap.BootstrapException;
import org.vcsreplicator.bootstrap.BootstrapLog;
import org.vcsreplicator.bootstrap.BootstrapSnapshot;
import org.vcsreplicator.bootstrap.MasterBootstrap;
import org.vcsreplicator.bootstrap.SnapshotFile;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.ProcessHg;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.PartitionOffsets;
import org.vcsreplicator.producer.EventProducerLog;
import org.vcsreplicator.producer.RepoRouter;
import org.vcsreplicator.producer.ReplicationCommands;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bootstrap-master CONFIG [--output FILE] [--workers N]}: the master half of bootstrapping
 * a new mirror, the original's {@code vcsreplicator-bootstrap-hgssh}. Thin: load the producer
 * settings, run {@link MasterBootstrap}, print the snapshot, write it.
 */
@Command(name = "bootstrap-master", mixinStandardHelpOptions = true,
    description = {
        "Master half of bootstrapping a new mirror: records the end offset of every partition, writes a "
            + "bootstrap sync (hg-repo-sync-2, bootstrap: true; regular consumers ignore it) for every "
            + "repository under the roots of [replicationpathrewrites], records the end offsets again, and "
            + "prints the snapshot {\"offsets\": {\"P\": [start, end], ...}, \"repositories\": [...]} for "
            + "bootstrap-mirror. Safe on a live master."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:snapshot printed (and written to --output)",
        "1:no snapshot: bad configuration, Kafka unavailable, a missing root, or a repository whose sync "
            + "could not be written (each named on stderr and in the log)",
        "2:bad usage"})
final class BootstrapMasterCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BootstrapLog.NAME);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG",
      description = "The producer's INI file ([replicationproducer], [replicationpathrewrites]).")
  Path config;

  @CommandLine.Option(names = "--output", paramLabel = "FILE", description = "Also write the snapshot to FILE.")
  Path output;

  @CommandLine.Option(names = "--workers", paramLabel = "N",
      description = "Repositories synced at once (default: the number of processors).")
  Integer workers;

  @CommandLine.Option(names = "--hg", paramLabel = "PATH", defaultValue = "hg",
      description = "The hg that reads the master repositories (default: ${DEFAULT-VALUE}).")
  String hg;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int threads = workers != null ? workers : Runtime.getRuntime().availableProcessors();
    if (threads < 1) {
      return fail(err, "--workers must be at least 1, got " + threads);
    }
    ProducerSettings settings;
    try {
      settings = ProducerSettings.from(IniFile.load(config));
    } catch (ConfigException e) {
      return fail(err, e.getMessage());
    }
    KafkaClientConfig kafka = KafkaClientConfig.from(settings.kafka());
    try (EventProducer producer = new EventProducer(kafka, settings.ackTimeout(), Clock.systemUTC());
        ProcessHg masterHg = new ProcessHg(HgOptions.defaults(hg));
        OffsetsAdmin admin = new OffsetsAdmin(kafka, ADMIN_TIMEOUT, Clock.systemUTC())) {
      RepoRouter router = RepoRouter.from(settings);
      ReplicationCommands commands =
          new ReplicationCommands(router, new EventProducerLog(producer, settings.topic()), masterHg);
      MasterBootstrap bootstrap = new MasterBootstrap(settings.pathRewrites(), router, commands, () -> {
        SortedMap<Integer, Long> ends = new TreeMap<>();
        for (PartitionOffsets o : admin.logOffsets(settings.topic()).values()) {
          ends.put(o.partition(), o.endOffset());
        }
        return ends;
      }, threads);
      BootstrapSnapshot snapshot = bootstrap.run();
      out.println(snapshot.toJson());
      out.flush();
      log.info("hgssh bootstrap process complete!");
      if (output != null) {
        log.info("writing output to {}", output);
        SnapshotFile.write(output, snapshot);
      }
      return 0;
    } catch (BootstrapException | KafkaException e) {
      return fail(err, e.getMessage());
    } catch (IOException e) {
      return fail(err, "cannot write " + output + ": " + e);
    }
  }

  private static int fail(PrintWriter err, String message) {
    err.println("bootstrap-master: " + message);
    err.flush();
    return 1;
  }
}
