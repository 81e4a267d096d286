package org.vcsreplicator.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.producer.EventProducerLog;
import org.vcsreplicator.producer.HookServer;
import org.vcsreplicator.producer.ReplicationLog;
import org.vcsreplicator.producer.RepoRouter;
import org.vcsreplicator.producer.ReplicationHooks;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code producer-daemon CONFIG}: the master's producer. Keeps one Kafka producer warm and serves
 * the hg hooks ({@code hghooks/vcsreplicator_hghook.py}) on a Unix domain socket until SIGTERM.
 */
@Command(name = "producer-daemon",
    description = "Serve the master's hg hooks: write replication events for pushes, init, bookmarks, phases.")
final class ProducerDaemonCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ProducerDaemonCommand.class);
  static final String SOCKET_KEY = "socket";
  static final String SOCKET_MODE_KEY = "socketmode";
  static final String DEFAULT_SOCKET = "/run/vcsreplicator/producer.sock";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG",
      description = "INI file with [replicationproducer] and [replicationpathrewrites] (the master's hgrc works).")
  Path config;

  @CommandLine.Option(names = "--socket",
      description = "Unix socket to listen on (default: [replicationproducer] socket, else " + DEFAULT_SOCKET + ").")
  Path socket;

  /** Released to stop the daemon; the shutdown hook stops it on SIGTERM/SIGINT. */
  final CountDownLatch stop = new CountDownLatch(1);
  // visible for testing: set once listening
  volatile Path listening;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter err = spec.commandLine().getErr();
    IniFile ini;
    ProducerSettings settings;
    Set<PosixFilePermission> mode;
    try {
      ini = IniFile.load(config);
      settings = ProducerSettings.from(ini);
      mode = socketMode(ini);
    } catch (ConfigException e) {
      err.println("vcsreplicator: " + e.getMessage());
      err.flush();
      return 1;
    }
    Path socketPath = socket != null ? socket
        : Path.of(ini.get(ProducerSettings.SECTION, SOCKET_KEY).orElse(DEFAULT_SOCKET));
    EventProducer producer = new EventProducer(KafkaClientConfig.from(settings.kafka()), settings.ackTimeout(), Clock.systemUTC());
    ReplicationLog replicationLog = new EventProducerLog(producer, settings.topic());
    HookServer server;
    try {
      server = HookServer.start(socketPath,
          new ReplicationHooks(RepoRouter.from(settings), replicationLog, Clock.systemUTC()), mode);
    } catch (IOException e) {
      producer.close();
      err.println("vcsreplicator: cannot listen on " + socketPath + ": " + e.getMessage());
      err.flush();
      return 1;
    }
    log.info("producer daemon started: topic={} partitions={} socket={}", settings.topic(),
        settings.partitionMap().allPartitions(), server.socket());
    Thread shutdown = new Thread(stop::countDown, "producer-daemon-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    listening = server.socket();
    try {
      stop.await();
    } finally {
      // Let calls in flight finish (a push waiting for its acks), then flush and close Kafka.
      try {
        server.close();
      } catch (IOException e) {
        log.warn("closing {}: {}", server.socket(), e.toString());
      }
      producer.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdown);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
    return 0;
  }

  /** {@code [replicationproducer] socketmode}, octal like chmod; default 0666 (hg runs hooks as the pushing user). */
  static Set<PosixFilePermission> socketMode(IniFile ini) {
    String value = ini.get(ProducerSettings.SECTION, SOCKET_MODE_KEY).orElse("0666").strip();
    try {
      int bits = Integer.parseInt(value, 8);
      if (bits < 0 || bits > 0777) {
        throw new NumberFormatException();
      }
      StringBuilder rwx = new StringBuilder();
      for (int shift = 6; shift >= 0; shift -= 3) {
        int b = (bits >> shift) & 7;
        rwx.append((b & 4) != 0 ? 'r' : '-').append((b & 2) != 0 ? 'w' : '-').append((b & 1) != 0 ? 'x' : '-');
      }
      return PosixFilePermissions.fromString(rwx.toString());
    } catch (NumberFormatException e) {
      throw new ConfigException(ini.source(), ProducerSettings.SECTION, SOCKET_MODE_KEY,
          "must be an octal file mode like 0660, got '" + value + "'");
    }
  }
}
