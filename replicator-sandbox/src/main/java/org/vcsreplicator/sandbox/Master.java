package org.vcsreplicator.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.producer.EventProducerLog;
import org.vcsreplicator.producer.HookServer;
import org.vcsreplicator.producer.MasterHgrc;
import org.vcsreplicator.producer.ReplicationHooks;
import org.vcsreplicator.producer.RepoRouter;

/**
 * The master: a root of canonical repositories, the producer daemon (in this JVM, serving the hg
 * hooks on a Unix socket and writing to {@code pushdata}), and {@code hg serve} (a child process)
 * publishing every repository of the root over HTTP on loopback, push allowed. Pushes reach the
 * hooks through the global hgrc {@code master/hgrc}, which only the master's hg processes read
 * (via {@code HGRCPATH}): the mirrors' hg never sees the hooks.
 *
 * <p>Files: {@code master/producer.ini} (the daemon's config), {@code master/hgrc} (hooks, extension, web
 * settings), {@code master/web.conf} (what hg serve publishes), {@code master/repos/}.
 *
 * <p>Not thread-safe; started and closed by the sandbox's main thread.
 */
final class Master implements AutoCloseable {
  static final String WIRE_PREFIX = "{moz}";
  private static final Duration SERVE_START_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern BOUND = Pattern.compile("bound to [^:\\s]+:(\\d+)");
  // AF_UNIX paths are limited to 108 bytes on Linux; keep a margin.
  private static final int MAX_SOCKET_PATH = 100;

  private final Path dir;
  private final Path repos;
  private final Path hgrc;
  private final EventProducer producer;
  private final HookServer hooks;
  private final Process hgServe;
  private final int port;

  private Master(Path dir, Path repos, Path hgrc, EventProducer producer, HookServer hooks, Process hgServe,
      int port) {
    this.dir = dir;
    this.repos = repos;
    this.hgrc = hgrc;
    this.producer = producer;
    this.hooks = hooks;
    this.hgServe = hgServe;
    this.port = port;
  }

  /**
   * Writes the master's configs, starts the producer daemon and hg serve.
   *
   * @param dir the master's directory (real path, no symlinks: hg reports real repository roots)
   * @param hookModule {@code hghooks/vcsreplicator_hghook.py} of this installation
   * @param logs where hg serve's access and error log goes
   */
  static Master start(Path dir, Path hookModule, String bootstrapServers, String topic, int partitions, Path logs)
      throws Exception {
    Path repos = Files.createDirectories(dir.resolve("repos"));
    Path socket = dir.resolve("producer.sock");
    if (socket.toString().length() > MAX_SOCKET_PATH) {
      // The data directory is too deep for a Unix socket path: put the socket in a short temp dir.
      socket = Files.createTempDirectory(Path.of("/tmp"), "vcsreplicator-sandbox-").resolve("producer.sock");
    }
    String allPartitions = IntStream.range(0, partitions).mapToObj(Integer::toString).collect(Collectors.joining(","));
    Path producerIni = Files.writeString(dir.resolve("producer.ini"), String.join("\n",
        "# The producer daemon's config: the master hgrc's sections (bin/vcsreplicator producer-daemon reads it).",
        "[replicationproducer]",
        "hosts = " + bootstrapServers,
        "clientid = sandbox-master",
        "topic = " + topic,
        "# Every repository on one of the " + partitions + " partitions, by the md5 of its wire path.",
        "partitionmap.0all = " + allPartitions + ":.*",
        "reqacks = -1",
        "acktimeout = 10000",
        "socket = " + socket,
        "",
        "[replicationpathrewrites]",
        repos + "/ = " + WIRE_PREFIX + "/",
        ""), StandardCharsets.UTF_8);
    // The same snippet as `bin/vcsreplicator hgrc-snippet` prints for production: hooks and extension.
    Path hgrc = Files.writeString(dir.resolve("hgrc"), String.join("\n",
        "# Global hgrc of the master's hg processes (HGRCPATH): hgweb settings and the replication snippet.",
        "[ui]",
        "username = sandbox master <master@sandbox.invalid>",
        "",
        "[web]",
        "allow-push = *",
        "push_ssl = False",
        "",
        MasterHgrc.snippet(socket.toString(), hookModule, Optional.empty())), StandardCharsets.UTF_8);
    Path webConf = Files.writeString(dir.resolve("web.conf"),
        "# What hg serve publishes: every repository below the root, the list refreshed on every request\n"
            + "# (the default 20 s would hide a repository created a moment ago).\n"
            + "[paths]\n/ = " + repos + "/**\n\n[web]\nrefreshinterval = 0\n", StandardCharsets.UTF_8);

    ProducerSettings settings = ProducerSettings.from(IniFile.load(producerIni));
    EventProducer producer = new EventProducer(KafkaClientConfig.from(settings.kafka()), settings.ackTimeout(),
        Clock.systemUTC());
    HookServer hooks = null;
    Process serve = null;
    try {
      hooks = HookServer.start(socket,
          new ReplicationHooks(RepoRouter.from(settings), new EventProducerLog(producer, settings.topic()),
              Clock.systemUTC()),
          PosixFilePermissions.fromString("rw-------"));
      Path serveLog = logs.resolve("master-hg-serve.log");
      ProcessBuilder pb = new ProcessBuilder("hg", "serve", "--web-conf", webConf.toString(),
          "-a", "127.0.0.1", "-p", "0")
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(serveLog.toFile());
      pb.environment().put("HGRCPATH", hgrc.toString());
      pb.environment().put("HGPLAIN", "1");
      serve = pb.start();
      int port = awaitPort(serve, serveLog);
      return new Master(dir, repos, hgrc, producer, hooks, serve, port);
    } catch (Exception | Error e) {
      if (serve != null) {
        serve.destroy();
      }
      if (hooks != null) {
        hooks.close();
      }
      producer.close();
      throw e;
    }
  }

  // hg serve prints "listening at http://localhost:PORT/ (bound to 127.0.0.1:PORT)" once bound.
  private static int awaitPort(Process serve, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + SERVE_START_TIMEOUT.toNanos();
    while (true) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      Matcher m = BOUND.matcher(text);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!serve.isAlive()) {
        throw new IOException("hg serve for the master exited with " + serve.exitValue() + ": " + text.strip());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IOException("hg serve for the master did not listen within " + SERVE_START_TIMEOUT.toSeconds()
            + " s; see " + log);
      }
      Thread.sleep(20); // poll interval for the log line
    }
  }

  Path dir() {
    return dir;
  }

  /** The root of the canonical repositories. */
  Path repos() {
    return repos;
  }

  /** {@code http://127.0.0.1:PORT} (no trailing slash): repository {@code x} is at {@code BASE/x}. */
  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** The environment hg needs to act as the master (hooks on): {@code HGRCPATH}. */
  Map<String, String> hgEnvironment() {
    return Map.of("HGRCPATH", hgrc.toString());
  }

  Path producerSocket() {
    return hooks.socket();
  }

  /** The wire path of a repository of the root. */
  static String wirePath(String name) {
    return WIRE_PREFIX + "/" + name;
  }

  /** Config files the user may want to read. */
  List<Path> configFiles() {
    return List.of(dir.resolve("producer.ini"), hgrc, dir.resolve("web.conf"));
  }

  @Override
  public void close() throws IOException {
    try {
      hgServe.destroy();
      try {
        hgServe.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } finally {
      try {
        hooks.close();
      } finally {
        producer.close();
      }
    }
  }
}
