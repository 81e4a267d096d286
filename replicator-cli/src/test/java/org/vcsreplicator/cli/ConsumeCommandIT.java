package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import picocli.CommandLine;

/**
 * {@code bin/vcsreplicator consume CONFIG [flags]} in process, with an INI file, a real broker and
 * the real hg: the operator's path through the incident (the daemon stops at a record it cannot
 * apply, {@code --dump} shows it, {@code --skip} drops exactly it, the daemon continues).
 */
class ConsumeCommandIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  @TempDir Path tmp;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path ini(String topic) throws Exception {
    Path mirror = Files.createDirectories(tmp.resolve("mirror"));
    Path master = Files.createDirectories(tmp.resolve("master"));
    return Files.writeString(tmp.resolve("vcsreplicator.ini"), String.join("\n",
        "[consumer]",
        "hosts = " + kafka.bootstrapServers(),
        "client_id = hgweb1",
        "topic = " + topic,
        "group = ttest",
        "poll_timeout = 0.05",
        "todelete_path = " + tmp.resolve("todelete"),
        "retry_max_retries = 0",
        "",
        "[path_rewrites]",
        "{moz} = " + mirror,
        "",
        "[pull_url_rewrites]",
        "{moz} = " + master,
        "",
        "[programs]",
        "hg = /usr/bin/hg",
        ""));
  }

  @Test
  void operatorUnwedgesAPartitionWithDumpAndSkip() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    String config = ini(topic).toString();
    WirePath missing = WirePath.of("{moz}/users/gszorc_mozilla.com/mc-treemanifest");
    NodeId node = NodeId.of("8ba995b74e18334ab3707f27e9eb8f4e37ba3d29");
    try (EventProducer producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30),
        Clock.systemUTC())) {
      producer.send(topic, 6, new Heartbeat());
      producer.send(topic, 6, new ChangegroupV1(missing, "serve", List.of(node), List.of(node)));
      producer.send(topic, 6, new RepoInitV2(WirePath.of("{moz}/users/other"), true));
    }

    assertEquals(0, run("consume", config, "--onetime").exit(), "the heartbeat");
    assertEquals(1, run("consume", config, "--partition", "6").exit(), "the daemon stops at the bad record");

    Run dump = run("consume", config, "--dump", "--partition", "6");
    assertEquals(0, dump.exit());
    assertTrue(dump.out().startsWith("- _created: "), dump.out());
    assertTrue(dump.out().contains("  name: hg-changegroup-1\n  nodes:\n  - " + node.hex()
        + "\n  path: '{moz}/users/gszorc_mozilla.com/mc-treemanifest'\n  source: serve\n"), dump.out());
    assertTrue(dump.out().contains("  name: hg-repo-init-2\n  path: '{moz}/users/other'\n"), dump.out());

    Run skip = run("consume", config, "--skip", "--partition", "6");
    assertEquals(0, skip.exit(), skip.err());
    assertTrue(skip.out().startsWith(
        "skipped hg-changegroup-1 for {moz}/users/gszorc_mozilla.com/mc-treemanifest in partition 6 offset 1:\n- _created: "),
        skip.out());
    assertTrue(skip.out().endsWith("skipped message in partition 6 for group ttest\n"), skip.out());

    assertEquals(0, run("consume", config, "--onetime").exit());
    assertTrue(Files.isDirectory(tmp.resolve("mirror/users/other/.hg")), "the consumer continued");

    Run nothing = run("consume", config, "--skip");
    assertEquals(1, nothing.exit());
    assertEquals("no message available; nothing to skip\n", nothing.out());
    assertEquals("[]\n", run("consume", config, "--dump").out());
    assertEquals(0, run("consume", config, "--wait-for-no-lag").exit());
  }

  @Test
  void waitForNPrintsWhatArrivedAndCommitsNothing() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    String config = ini(topic).toString();
    try (EventProducer producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30),
        Clock.systemUTC())) {
      producer.send(topic, 2, new RepoInitV2(WirePath.of("{moz}/mozilla-central"), true));
    }
    Run run = run("consume", config, "--wait-for-n", "1");
    assertEquals(0, run.exit());
    assertEquals("got a hg-repo-init-2: (repo: {moz}/mozilla-central) message\n", run.out());
    assertTrue(run("consume", config, "--dump").out().contains("name: hg-repo-init-2"), "still pending");
  }

  /** A real SIGTERM to a daemon in its own JVM, as supervisord sends it (test-consumer-daemon-restart.t). */
  @Test
  void sigtermStopsTheDaemonGracefully() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    String config = ini(topic).toString();
    try (EventProducer producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30),
        Clock.systemUTC())) {
      producer.send(topic, 2, new RepoInitV2(WirePath.of("{moz}/mozilla-central"), true));
    }
    Process daemon = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "consume", config, "--partition", "2")
        .redirectErrorStream(true) // the test class path's logback-test.xml logs to stdout
        .start();
    StringBuffer log = new StringBuffer();
    Thread reader = new Thread(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(daemon.getInputStream()))) {
        in.lines().forEach(l -> log.append(l).append('\n'));
      } catch (java.io.IOException | java.io.UncheckedIOException ignored) {
        // the process ended
      }
    });
    reader.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!log.toString().contains("created Mercurial repository: ")) {
        assertTrue(daemon.isAlive() && System.nanoTime() < deadline, "daemon did not apply the init: " + log);
        Thread.sleep(20);
      }
      // Process.destroy() would also send SIGTERM, but it closes our end of the output pipe.
      assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor());
      assertTrue(daemon.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
      reader.join(10_000);
      assertEquals(0, daemon.exitValue(), log.toString());
      String text = log.toString();
      assertTrue(text.contains("vcsreplicator.consumer starting consumer for topic=" + topic + " group=ttest partitions=[2]"), text);
      int signal = text.indexOf("vcsreplicator.consumer received signal 15");
      int exiting = text.indexOf("vcsreplicator.consumer exiting from main consume loop");
      int graceful = text.indexOf("vcsreplicator.consumer process exiting gracefully");
      assertTrue(signal > 0 && exiting > signal && graceful > exiting, text);
    } finally {
      daemon.destroyForcibly();
    }
  }

  @Test
  void badConfigStopsWithOneLineNamingTheKey() throws Exception {
    Path config = Files.writeString(tmp.resolve("bad.ini"), "[consumer]\nhosts = localhost:1\nclient_id = x\ntopic = t\n");
    Run run = run("consume", config.toString());
    assertEquals(1, run.exit());
    assertTrue(run.err().startsWith("vcsreplicator: "), run.err());
    assertTrue(run.err().contains("group"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }
}
