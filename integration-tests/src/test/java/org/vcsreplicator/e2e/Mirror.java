package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.consumer.MirrorConsumer;

/**
 * One mirror (an hgweb host): its repository root, its {@code vcsreplicator.ini} (mirror consumer)
 * and {@code vcsreplicator-pending.ini} (heads consumer), both with the mirror's name as consumer
 * group, and an hg of its own ({@code [programs] hg}, a wrapper fixing its hgrc). It pulls from
 * the master's repository directory ({@code [pull_url_rewrites]}), with its own hg: a repository
 * format this hg cannot open stops it, as in the incident.
 */
final class Mirror {
  final String name;
  final Path dir;
  final Path root;
  final Path consumerConfig;
  final Path headsConfig;
  final Path hgrc;
  final Path hgExecutable;
  /** One log file per daemon label, shared by its restarts. */
  private final java.util.Map<String, Path> processLogs = new java.util.concurrent.ConcurrentHashMap<>();

  Mirror(Path dir, String name, String bootstrapServers, String topic, String pendingTopic, Path masterRoot) {
    this.name = name;
    this.dir = dir;
    try {
      root = Files.createDirectories(dir.resolve("repo/hg/mozilla"));
      Path todelete = Files.createDirectories(dir.resolve("todelete"));
      hgrc = dir.resolve("mirror.hgrc");
      Files.writeString(hgrc, "[ui]\nusername = " + name + " <" + name + "@example.com>\n");
      hgExecutable = Master.executable(dir.resolve("hg"), "#!/bin/sh\nHGRCPATH='" + hgrc + "' exec hg \"$@\"\n");
      consumerConfig = dir.resolve("vcsreplicator.ini");
      Files.writeString(consumerConfig, String.join("\n",
          "[programs]",
          "hg = " + hgExecutable,
          "",
          "[consumer]",
          "hosts = " + bootstrapServers,
          "client_id = " + name,
          "topic = " + topic,
          "group = " + name,
          "connect_timeout = 10",
          "poll_timeout = 0.1",
          "todelete_path = " + todelete,
          // Transient failures (a lock, Kafka away) retried quickly, so the suite stays short.
          "retry_max_retries = 3",
          "retry_base_delay = 0.2",
          "",
          "[path_rewrites]",
          "{moz} = " + root,
          "",
          "[pull_url_rewrites]",
          "{moz} = " + masterRoot,
          ""));
      headsConfig = dir.resolve("vcsreplicator-pending.ini");
      Files.writeString(headsConfig, String.join("\n",
          "[consumer]",
          "hosts = " + bootstrapServers,
          "client_id = " + name + "-heads",
          "topic = " + pendingTopic,
          "group = " + name,
          "connect_timeout = 10",
          "poll_timeout = 0.1",
          "retry_max_retries = 3",
          "retry_base_delay = 0.2",
          "",
          "[path_rewrites]",
          "{moz} = " + root,
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path path(String repo) {
    return root.resolve(repo);
  }

  /**
   * The mirror consumer on a thread of this JVM, as {@code consume CONFIG [--partition N]} runs it.
   *
   * @param partition one partition (a {@code vcsreplicator@N} unit), or all of them
   */
  Daemon startConsumer(Optional<Integer> partition, Daemon.Restart restart) {
    String label = name + "-consumer" + partition.map(p -> "-" + p).orElse("");
    return Daemon.start(label, restart, () -> session(ConsumeSession.open(settings(consumerConfig),
        consumerConfig.toString()), partition));
  }

  /** One consumer per partition, as the original's mirrors run them. */
  List<Daemon> startConsumerPerPartition(int partitions, Daemon.Restart restart) {
    return java.util.stream.IntStream.range(0, partitions)
        .mapToObj(p -> startConsumer(Optional.of(p), restart)).toList();
  }

  /** The heads consumer ({@code heads-consume CONFIG}) on a thread of this JVM. */
  Daemon startHeadsConsumer(Daemon.Restart restart) {
    return Daemon.start(name + "-heads", restart, () -> session(ConsumeSession.openHeads(settings(headsConfig),
        headsConfig.toString()), Optional.empty()));
  }

  /** {@code consume CONFIG [--partition N]} in its own JVM, logging to {@code LOG}. */
  JavaProcess startConsumerProcess(Optional<Integer> partition, List<String> jvmOptions) {
    String label = name + "-consumer" + partition.map(p -> "-" + p).orElse("");
    List<String> args = new java.util.ArrayList<>(List.of("consume", consumerConfig.toString()));
    partition.ifPresent(p -> args.addAll(List.of("--partition", Integer.toString(p))));
    return JavaProcess.start(label, processLogs.computeIfAbsent(label, JavaProcess::logFile), jvmOptions, args.toArray(String[]::new));
  }

  /** {@code consume CONFIG FLAGS…} through the CLI in this JVM: the operator's {@code --dump}, {@code --skip}. */
  Cli.Run consumeCommand(String... flags) {
    String[] args = new String[flags.length + 2];
    args[0] = "consume";
    args[1] = consumerConfig.toString();
    System.arraycopy(flags, 0, args, 2, flags.length);
    return Cli.run(args);
  }

  private static ConsumerSettings settings(Path config) {
    return ConsumerSettings.from(IniFile.load(config));
  }

  private static Daemon.Instance session(ConsumeSession session, Optional<Integer> partition) {
    return new Daemon.Instance() {
      @Override
      public int run() throws Exception {
        MirrorConsumer.Result r = session.consume(MirrorConsumer.Options.continuous(partition));
        return r == MirrorConsumer.Result.FAILED ? 1 : 0;
      }

      @Override
      public void stop() {
        session.stop();
      }

      @Override
      public void close() {
        session.close();
      }
    };
  }
}
