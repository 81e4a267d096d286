package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The master: a repository root under {@code [replicationpathrewrites]} ({@code {moz}/}), the
 * producer daemon ({@code producer-daemon CONFIG}) in its own JVM, and a global hgrc with the
 * hooks exactly as {@code producer-hgrc} prints them. Users push over hg's ssh protocol through a
 * stand-in ssh that runs the remote {@code hg serve --stdio} here with the master's hgrc.
 *
 * <p>The master's hgrc also allows the pure-Python slow paths of {@code persistent-nodemap} and
 * {@code dirstate-v2}, so the master can serve a repository created with those requirements while
 * mirrors (without that setting) cannot open it: the incident's "experimental repository".
 *
 * <p>Not thread-safe for start/stop; the operator commands may run from several threads.
 */
final class Master implements AutoCloseable {
  static final String WIRE_PREFIX = "{moz}";
  static final String PUBLIC_URL = "https://hg.example.com/";

  final Path dir;
  final Path root;
  final Path producerConfig;
  final Path socket;
  final Path hgrc;
  final Path plainHgrc;
  final Path hgExecutable;
  final Path fakeSsh;
  final Path clientHgrc;
  final String topic;
  private JavaProcess daemon;

  /**
   * Writes the master's files; {@link #startProducer()} starts the daemon.
   *
   * @param partitionMap the {@code partitionmap.*} lines of {@code [replicationproducer]}
   */
  Master(Path dir, String bootstrapServers, String topic, List<String> partitionMap) {
    this.dir = dir;
    this.topic = topic;
    try {
      root = Files.createDirectories(dir.resolve("repo/hg/mozilla"));
      socket = dir.resolve("producer.sock");
      producerConfig = dir.resolve("vcsreplicator-producer.ini");
      List<String> ini = new ArrayList<>(List.of(
          "[replicationproducer]",
          "hosts = " + bootstrapServers,
          "clientid = hgssh1",
          "topic = " + topic));
      ini.addAll(partitionMap);
      ini.addAll(List.of(
          "reqacks = -1",
          // A push while Kafka is down is refused after this long (SPEC 2.4).
          "acktimeout = 5000",
          "socket = " + socket,
          "",
          "[replicationpathrewrites]",
          root + "/ = " + WIRE_PREFIX + "/",
          ""));
      Files.writeString(producerConfig, String.join("\n", ini));

      Cli.Run snippet = Cli.run("producer-hgrc", "--socket", socket.toString(),
          "--hook-module", ProjectLayout.hookModule().toString()).ok();
      String base = "[ui]\nusername = master <master@example.com>\n\n"
          + "[storage]\n"
          + "revlog.persistent-nodemap.slow-path = allow\n"
          + "dirstate-v2.slow-path = allow\n\n";
      plainHgrc = dir.resolve("master-plain.hgrc");
      Files.writeString(plainHgrc, base);
      hgrc = dir.resolve("master.hgrc");
      Files.writeString(hgrc, base + snippet.out());
      hgExecutable = executable(dir.resolve("master-hg"), "#!/bin/sh\nHGRCPATH='" + hgrc + "' exec hg \"$@\"\n");
      // hg runs `ssh [options] HOST 'hg -R PATH serve --stdio'`: run the last argument here.
      fakeSsh = executable(dir.resolve("fakessh"),
          "#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\nHGRCPATH='" + hgrc + "' exec sh -c \"$1\"\n");
      clientHgrc = dir.resolve("client.hgrc");
      Files.writeString(clientHgrc, "[ui]\nusername = pusher <pusher@example.com>\nssh = " + fakeSsh + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path executable(Path file, String content) throws IOException {
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  /** Starts {@code producer-daemon CONFIG} and waits until it listens on its socket. */
  void startProducer() {
    if (daemon != null && daemon.isAlive()) {
      return;
    }
    try {
      // A socket file left by an earlier run would look like a listening daemon.
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon = JavaProcess.start("producer-daemon", JavaProcess.logFile("producer-daemon"), List.of(),
        "producer-daemon", producerConfig.toString());
    Await.until(Duration.ofSeconds(60), "the producer daemon listens on " + socket, () -> {
      if (!daemon.isAlive()) {
        throw new AssertionError("producer daemon exited:\n" + daemon.logText());
      }
      return Files.exists(socket);
    });
  }

  /** SIGTERM to the daemon: it lets calls in flight finish. */
  void stopProducer() {
    if (daemon != null) {
      daemon.close();
      daemon = null;
    }
  }

  Path path(String name) {
    return root.resolve(name);
  }

  static String wirePath(String name) {
    return WIRE_PREFIX + "/" + name;
  }

  static String publicUrl(String name) {
    return PUBLIC_URL + name;
  }

  /** {@code hg init} on the master with the hooks (and any {@code --config} given); asserts success. */
  Path init(String name, String... config) {
    List<String> args = new ArrayList<>();
    args.add("init");
    for (String c : config) {
      args.add("--config");
      args.add(c);
    }
    Path repo = path(name);
    try {
      Files.createDirectories(repo.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    args.add(repo.toString());
    HgProcess.run(hgrc, dir, java.util.Map.of(), args).ok();
    return repo;
  }

  /** {@code hg init} without the hooks: a repository the replication does not know of yet. */
  Path initUnreplicated(String name) {
    Path repo = path(name);
    try {
      Files.createDirectories(repo.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    HgProcess.run(plainHgrc, dir, "init", repo.toString()).ok();
    return repo;
  }

  /** Sets (or, when empty, deletes) the repository's {@code .hg/hgrc}, then {@code replicate-hgrc}. */
  Cli.Run updateHgrc(String name, Optional<String> content) {
    Path file = path(name).resolve(".hg/hgrc");
    try {
      if (content.isPresent()) {
        Files.writeString(file, content.get());
      } else {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Cli.run("replicate-hgrc", producerConfig.toString(), path(name).toString()).ok();
  }

  Cli.Run replicateSync(String name) {
    return Cli.run("replicate-sync", producerConfig.toString(), path(name).toString()).ok();
  }

  Cli.Run replicateDelete(String name) {
    return Cli.run("replicate-delete", producerConfig.toString(), path(name).toString()).ok();
  }

  /** The daemon's log so far. */
  String producerLog() {
    return daemon == null ? "" : daemon.logText();
  }

  @Override
  public void close() {
    stopProducer();
  }
}
