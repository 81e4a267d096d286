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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.WirePath;
import picocli.CommandLine;

/**
 * A master for producer ITs: a repository root under {@code [replicationpathrewrites]}, the master
 * hgrc printed by {@code hgrc-snippet CONFIG} (so the ITs install the hooks exactly as an operator
 * would), {@code producer-daemon CONFIG} running in this JVM, and clients that push over hg's ssh
 * protocol through a stand-in ssh. The stand-in runs the remote command locally with the master's
 * hgrc and sets {@code USER} to the login of {@code ssh://USER@host/…}, as sshd does.
 *
 * <p>Routing is the original's test fixture (ORIGINAL-BEHAVIOURS): {@code {moz}/mozilla-central}
 * goes to partition 2 and the lowest mapped partition is 0. One sandbox per test; not thread-safe.
 * The producer, bootstrap and end-to-end ITs all use this one fixture.
 */
final class ProducerSandbox implements AutoCloseable {
  static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  /** {@code [replication] unfiltereduser} of the master: pull as {@code ssh://vcsreplicator@localhost/…}. */
  static final String REPLICATION_USER = "vcsreplicator";

  private final EmbeddedKafka kafka;
  final Path tmp;
  final String topic;
  final Path root;
  final Path config;
  final Path socket;
  final Path masterHgrc;
  final Path clientHgrc;
  final Path fakeSsh;
  private ProducerDaemonCommand daemon;
  private Thread daemonThread;

  /** One hg (or CLI) run: exit code and output. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /**
   * How the sandbox is set up.
   *
   * @param ackTimeoutMs {@code [replicationproducer] acktimeout}
   * @param extraMasterHgrc appended to the master's hgrc (e.g. {@code [replication]} settings)
   * @param hosts {@code [replicationproducer] hosts}; empty: every broker of the fixture
   * @param replicationFactor of the topic
   * @param topicConfig topic-level settings (e.g. {@code min.insync.replicas})
   */
  record Settings(int ackTimeoutMs, String extraMasterHgrc, Optional<String> hosts, short replicationFactor,
      Map<String, String> topicConfig) {
    /** A short ack timeout, so that the unavailable-log tests are refused quickly. */
    static Settings defaults() {
      return new Settings(2000, "", Optional.empty(), (short) 1, Map.of());
    }

    Settings withHosts(String value) {
      return new Settings(ackTimeoutMs, extraMasterHgrc, Optional.of(value), replicationFactor, topicConfig);
    }

    Settings withAckTimeoutMs(int value) {
      return new Settings(value, extraMasterHgrc, hosts, replicationFactor, topicConfig);
    }

    Settings withTopic(short rf, Map<String, String> config) {
      return new Settings(ackTimeoutMs, extraMasterHgrc, hosts, rf, config);
    }
  }

  /** Creates the topic and the files and starts the daemon. */
  ProducerSandbox(EmbeddedKafka kafka, Path tmp, Settings settings) throws Exception {
    this.kafka = kafka;
    this.tmp = tmp;
    topic = kafka.uniqueTopic("pushdata");
    kafka.createTopic(topic, 8, settings.replicationFactor(), settings.topicConfig());
    root = Files.createDirectories(tmp.resolve("repo/hg/mozilla"));
    socket = tmp.resolve("producer.sock");
    config = tmp.resolve("producer.ini");
    Files.writeString(config, String.join("\n",
        "[replicationproducer]",
        "hosts = " + settings.hosts().orElse(kafka.bootstrapServers()),
        "clientid = producer-it",
        "topic = " + topic,
        "partitionmap.0try = 4:\\{moz\\}\\/try",
        "partitionmap.1user = 5,6,7:\\{moz\\}\\/users\\/.*",
        "partitionmap.2main = 0,1,2,3:.*",
        "reqacks = -1",
        "acktimeout = " + settings.ackTimeoutMs(),
        "socket = " + socket,
        "",
        "[replicationpathrewrites]",
        root + "/ = {moz}/",
        ""));
    CommandRun snippet = CommandRun.run("hgrc-snippet", config.toString(), "--unfiltered-user", REPLICATION_USER);
    assertEquals(0, snippet.exitCode(), snippet.toString());
    masterHgrc = tmp.resolve("master.hgrc");
    Files.writeString(masterHgrc, "[ui]\nusername = master <master@example.com>\n\n" + snippet.out() + "\n"
        + settings.extraMasterHgrc());
    fakeSsh = tmp.resolve("fakessh");
    // hg runs `ssh [-p PORT] [USER@]HOST 'hg -R PATH serve --stdio'`.
    Files.writeString(fakeSsh, "#!/bin/sh\nwhile [ $# -gt 2 ]; do shift; done\n"
        + "case \"$1\" in *@*) USER=\"${1%%@*}\"; export USER;; esac\n"
        + "HGRCPATH='" + masterHgrc + "' exec sh -c \"$2\"\n");
    Files.setPosixFilePermissions(fakeSsh, PosixFilePermissions.fromString("rwxr-xr-x"));
    clientHgrc = tmp.resolve("client.hgrc");
    Files.writeString(clientHgrc, "[ui]\nusername = test <test@example.com>\nssh = " + fakeSsh + "\n");
    startDaemon();
  }

  ProducerSandbox(EmbeddedKafka kafka, Path tmp) throws Exception {
    this(kafka, tmp, Settings.defaults());
  }

  void startDaemon() {
    daemon = new ProducerDaemonCommand();
    CommandLine cli = new CommandLine(daemon);
    daemonThread = new Thread(() -> cli.execute(config.toString()), "producer-daemon-under-test");
    daemonThread.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (daemon.listening == null) {
      if (!daemonThread.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError("producer daemon did not start listening");
      }
      Thread.onSpinWait();
    }
  }

  void stopDaemon() throws InterruptedException {
    if (daemon != null) {
      daemon.stop.countDown();
      daemonThread.join(30_000);
      daemon = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stopDaemon();
  }

  /** Runs the real hg with {@code hgrc} as its only config, in {@code cwd}. */
  Run hg(Path hgrc, Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("hg"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.startsWith("HG"));
    environment.put("HGRCPATH", hgrc.toString());
    environment.put("LANG", "C");
    environment.putAll(env);
    Path outFile = Files.createTempFile(tmp, "out", ".txt");
    Path errFile = Files.createTempFile(tmp, "err", ".txt");
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

  Run hg(Path hgrc, Path cwd, String... args) throws IOException, InterruptedException {
    return hg(hgrc, cwd, Map.of(), args);
  }

  /** hg on the master, with the hooks. */
  Run master(Path cwd, String... args) throws Exception {
    return hg(masterHgrc, cwd, args);
  }

  /** hg on a client (no hooks; pushes over ssh). */
  Run client(Path repo, String... args) throws Exception {
    return hg(clientHgrc, repo, args);
  }

  /** {@code hg init} on the master (hooks on); asserts it succeeded. */
  Path initMaster(String name) throws Exception {
    Run r = master(tmp, "init", root.resolve(name).toString());
    assertEquals(0, r.exit(), r.all());
    return root.resolve(name);
  }

  Path cloneOf(Path master) throws Exception {
    return cloneOf(master, "client-" + master.getFileName());
  }

  Path cloneOf(Path master, String name) throws Exception {
    Path clone = tmp.resolve(name);
    Run r = hg(clientHgrc, tmp, "clone", "-q", master.toString(), clone.toString());
    assertEquals(0, r.exit(), r.all());
    return clone;
  }

  /** Commits a file with this content in a client; returns the new changeset's node. */
  String commit(Path client, String file, String content) throws Exception {
    return commit(client, file, content, "change " + file);
  }

  /** Commits a file with this content and message in a client; returns the new changeset's node. */
  String commit(Path client, String file, String content, String message) throws Exception {
    Files.writeString(client.resolve(file), content, StandardCharsets.UTF_8);
    Run r = client(client, "commit", "-q", "-A", "-m", message);
    assertEquals(0, r.exit(), r.all());
    return tip(client);
  }

  String tip(Path repo) throws Exception {
    return client(repo, "log", "-r", "tip", "-T", "{node}").out();
  }

  /** {@code hg push ssh://localhost/MASTER EXTRA…} from a client. */
  Run push(Path client, Path master, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("push", "ssh://localhost/" + master));
    args.addAll(List.of(extra));
    return client(client, args.toArray(String[]::new));
  }

  /** {@code hg push ssh://localhost/MASTER} from a client; asserts it succeeded. */
  Run pushOk(Path client, Path master) throws Exception {
    Run r = push(client, master);
    assertEquals(0, r.exit(), r.all());
    return r;
  }

  /** Every event of the topic's partition, in log order. */
  List<Event> events(int partition) {
    return kafka.readAll(topic).stream().filter(r -> r.partition() == partition)
        .map(r -> r.message().event()).toList();
  }

  /** Events on partition 2 written after the first {@code skip}. */
  List<Event> eventsAfter(int skip) {
    List<Event> all = events(2);
    return all.subList(skip, all.size());
  }

  /** The lines hg printed that came from the master ({@code remote: } removed), in order. */
  static List<String> remoteLines(Run run) {
    return run.all().lines().filter(l -> l.startsWith("remote: ")).map(l -> l.substring("remote: ".length())).toList();
  }
}
