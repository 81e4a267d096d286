package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * A master as in production, for end-to-end tests: {@code producer-daemon} running in this JVM,
 * the real hg with the hook module in the master's config, repositories under {@code
 * BASE/repo/hg/mozilla} ({@code {moz}/}), and clients pushing over hg's ssh protocol (a stand-in
 * ssh that runs the remote command locally). Routing is the original's fixture: {@code
 * {moz}/mozilla-central} goes to partition 2 of 8.
 */
final class HookedMaster implements AutoCloseable {
  final Path base;
  final Path root;
  final Path config;
  final String topic;
  private final Path masterHgrc;
  private final Path clientHgrc;
  private final ProducerDaemonCommand daemon = new ProducerDaemonCommand();
  private final Thread daemonThread;

  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  HookedMaster(Path base, String bootstrapServers, String topic) throws Exception {
    this.base = base;
    this.topic = topic;
    this.root = Files.createDirectories(base.resolve("repo/hg/mozilla"));
    Path socket = base.resolve("producer.sock");
    config = base.resolve("producer.ini");
    Files.writeString(config, String.join("\n",
        "[replicationproducer]",
        "hosts = " + bootstrapServers,
        "clientid = producer-it",
        "topic = " + topic,
        "partitionmap.0try = 4:\\{moz\\}\\/try",
        "partitionmap.1user = 5,6,7:\\{moz\\}\\/users\\/.*",
        "partitionmap.2main = 0,1,2,3:.*",
        "reqacks = -1",
        "acktimeout = 10000",
        "socket = " + socket,
        "",
        "[replicationpathrewrites]",
        root + "/ = {moz}/",
        ""));
    masterHgrc = base.resolve("master.hgrc");
    Files.writeString(masterHgrc, "[ui]\nusername = master <master@example.com>\n\n"
        + HgrcSnippetCommand.hgrc(socket.toString(), HgrcSnippetCommand.installedModule(), java.util.Optional.empty()));
    Path fakeSsh = base.resolve("fakessh");
    // hg runs `ssh HOST 'hg -R PATH serve --stdio'`: run the last argument here, as the master would.
    Files.writeString(fakeSsh, "#!/bin/sh\nwhile [ $# -gt 1 ]; do shift; done\n"
        + "HGRCPATH='" + masterHgrc + "' exec sh -c \"$1\"\n");
    Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwxr-xr-x"));
    clientHgrc = base.resolve("client.hgrc");
    Files.writeString(clientHgrc, "[ui]\nusername = test <test@example.com>\nssh = " + fakeSsh + "\n");

    CommandLine cli = new CommandLine(daemon);
    daemonThread = new Thread(() -> cli.execute(config.toString()), "producer-daemon");
    daemonThread.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (daemon.listening == null) {
      if (!daemonThread.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("producer daemon did not start listening");
      }
      Thread.onSpinWait();
    }
  }

  Run hg(Path hgrc, Path cwd, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("hg"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("HG"));
    env.put("HGRCPATH", hgrc.toString());
    env.put("LANG", "C");
    Path outFile = Files.createTempFile(base, "out", ".txt");
    Path errFile = Files.createTempFile(base, "err", ".txt");
    Process p = pb.redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("hg " + String.join(" ", args) + " did not finish");
    }
    Run run = new Run(p.exitValue(), Files.readString(outFile), Files.readString(errFile));
    Files.delete(outFile);
    Files.delete(errFile);
    return run;
  }

  /** An hg command on the master side (hooks on). */
  Run master(Path cwd, String... args) throws Exception {
    return hg(masterHgrc, cwd, args);
  }

  /** An hg command of a client (pushes over ssh). */
  Run client(Path cwd, String... args) throws Exception {
    return hg(clientHgrc, cwd, args);
  }

  /** {@code hg init} on the master (hooks on); asserts it succeeded. */
  Path init(String name) throws Exception {
    Run r = master(base, "init", root.resolve(name).toString());
    assertEquals(0, r.exit(), r.all());
    return root.resolve(name);
  }

  /** A client clone of a master repository. */
  Path cloneOf(Path master) throws Exception {
    Path clone = base.resolve("client-" + master.getFileName());
    Run r = client(base, "clone", "-q", master.toString(), clone.toString());
    assertEquals(0, r.exit(), r.all());
    return clone;
  }

  /** Commits a change of {@code file} in a client; answers the new node. */
  String commit(Path client, String file, String content, String message) throws Exception {
    Files.writeString(client.resolve(file), content, StandardCharsets.UTF_8);
    Run r = client(client, "commit", "-q", "-A", "-m", message);
    assertEquals(0, r.exit(), r.all());
    return client(client, "log", "-r", "tip", "-T", "{node}").out();
  }

  /** Pushes a client to its master repository over ssh; asserts it succeeded. */
  Run push(Path client, Path master) throws Exception {
    Run r = client(client, "push", "ssh://localhost/" + master);
    assertEquals(0, r.exit(), r.all());
    return r;
  }

  @Override
  public void close() throws InterruptedException {
    daemon.stop.countDown();
    daemonThread.join(30_000);
  }
}
