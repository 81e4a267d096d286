package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
 * {@code consume CONFIG --metrics-port PORT} as an operator runs it: its own JVM, a real broker, the
 * real hg; a few events applied, one filtered, one that cannot be applied; {@code /metrics} scraped
 * over HTTP from 127.0.0.1 while the daemon holds, stopped, on the failure; then SIGTERM.
 */
class MetricsEndpointIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Path ini(String topic) throws IOException {
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
        "[replicationrules]",
        "include.all = re:\\{moz\\}/.*",
        "exclude.private = re:\\{moz\\}/private/.*",
        "",
        "[programs]",
        "hg = /usr/bin/hg",
        ""));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** GET the URL; empty while nothing answers there. */
  private Optional<String> get(String url) throws InterruptedException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      return Optional.of(r.body());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Scrapes until {@code ready} holds for the text, or fails at the deadline. */
  private String scrapeUntil(String url, Process daemon, StringBuffer log, Predicate<String> ready)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    String last = "";
    while (true) {
      Optional<String> text = get(url);
      if (text.isPresent()) {
        last = text.get();
        if (ready.test(last)) {
          return last;
        }
      }
      assertTrue(daemon.isAlive(), "the daemon ended:\n" + log);
      assertTrue(System.nanoTime() < deadline, "not ready in time; last scrape:\n" + last + "\nlog:\n" + log);
      Thread.sleep(50);
    }
  }

  private static void assertLine(String text, String line) {
    assertTrue(text.lines().anyMatch(line::equals), "no line " + line + " in:\n" + text);
  }

  private static double value(String text, String series) {
    return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .orElseThrow(() -> new AssertionError("no " + series + " in:\n" + text));
  }

  /** Starts {@code bin/vcsreplicator ARGS} in its own JVM, its log collected in {@code log}. */
  private static Process daemon(StringBuffer log, String... args) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    Process daemon = new ProcessBuilder(command)
        .redirectErrorStream(true) // the test class path's logback-test.xml logs to stdout
        .start();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(daemon.getInputStream()))) {
        in.lines().forEach(l -> log.append(l).append('\n'));
      } catch (IOException | UncheckedIOException ignored) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    return daemon;
  }

  /** SIGTERM, as a supervisor sends it (Process.destroy() would close our end of its output). */
  private static int terminate(Process daemon) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor());
    assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "SIGTERM ends the daemon");
    return daemon.exitValue();
  }

  @Test
  void scrapeShowsCountersAndTheStoppedPartitionWhileTheDaemonHolds() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    String config = ini(topic).toString();
    NodeId node = NodeId.of("8ba995b74e18334ab3707f27e9eb8f4e37ba3d29");
    try (EventProducer producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30),
        Clock.systemUTC())) {
      producer.send(topic, 6, new Heartbeat());                                        // offset 0: applied
      producer.send(topic, 6, new RepoInitV2(WirePath.of("{moz}/mozilla-central"), true)); // 1: applied (hg init)
      producer.send(topic, 6, new RepoInitV2(WirePath.of("{moz}/private/secret"), true));  // 2: filtered
      producer.send(topic, 6, new ChangegroupV1(WirePath.of("{moz}/missing"), "serve",    // 3: repo missing: failed
          List.of(node), List.of(node)));
      producer.send(topic, 6, new Heartbeat());                                        // 4: never reached
    }
    int port = freePort();
    StringBuffer log = new StringBuffer();
    Process daemon = daemon(log, "consume", config, "--partition", "6", "--metrics-port", Integer.toString(port));
    try {
      String url = "http://127.0.0.1:" + port + "/metrics";
      String text = scrapeUntil(url, daemon, log,
          t -> t.contains("vcsreplicator_partition_stopped{partition=\"6\"} 1.0"));

      assertLine(text, "vcsreplicator_events_total{kind=\"heartbeat-1\",outcome=\"applied\",partition=\"6\"} 1.0");
      assertLine(text, "vcsreplicator_events_total{kind=\"hg-repo-init-2\",outcome=\"applied\",partition=\"6\"} 1.0");
      assertLine(text, "vcsreplicator_events_total{kind=\"hg-repo-init-2\",outcome=\"filtered\",partition=\"6\"} 1.0");
      assertLine(text, "vcsreplicator_events_total{kind=\"hg-changegroup-1\",outcome=\"failed\",partition=\"6\"} 1.0");
      assertEquals(4, text.lines().filter(l -> l.startsWith("vcsreplicator_events_total{")).count(), text);
      assertLine(text, "vcsreplicator_apply_seconds_count 3");
      assertLine(text, "vcsreplicator_retries_total 0.0");
      assertLine(text, "vcsreplicator_committed_offset{partition=\"6\"} 3.0");
      assertLine(text, "vcsreplicator_partition_stopped{partition=\"6\"} 1.0");
      assertTrue(value(text, "vcsreplicator_seconds_since_last_apply{partition=\"6\"}") >= 0, text);
      assertTrue(Files.isDirectory(tmp.resolve("mirror/mozilla-central/.hg")), "the init was applied");

      // The lag (offsets 3 and 4) comes from the periodic end-offset read; the failed event ages.
      String lagging = scrapeUntil(url, daemon, log,
          t -> t.contains("vcsreplicator_lag_events{partition=\"6\"} 2.0"));
      double age = value(lagging, "vcsreplicator_lag_seconds{partition=\"6\"}");
      assertTrue(age > 0 && age < 600, lagging);
      String later = scrapeUntil(url, daemon, log,
          t -> value(t, "vcsreplicator_lag_seconds{partition=\"6\"}") > age);
      assertLine(later, "vcsreplicator_partition_stopped{partition=\"6\"} 1.0");

      String text2 = log.toString();
      assertTrue(text2.contains("serving metrics at http://127.0.0.1:" + port + "/metrics"), text2);
      assertTrue(text2.contains("cannot apply event, partition 6 stops here: topic=" + topic + " partition=6 offset=3"),
          text2);
      assertTrue(text2.contains("partition 6 stopped at offset 3: holding without consuming or committing"), text2);
      assertTrue(daemon.isAlive(), "the daemon holds instead of exiting");
      assertTrue(get("http://127.0.0.1:" + port + "/-/healthy").isPresent(), "the health probe answers");

      assertEquals(1, terminate(daemon), "it stopped on an error:\n" + log);
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (!log.toString().contains("vcsreplicator.consumer exiting main consume loop with error")) {
        assertTrue(System.nanoTime() < deadline, log.toString());
        Thread.sleep(10);
      }
      assertTrue(get(url).isEmpty(), "the endpoint is closed with the process");
    } finally {
      daemon.destroyForcibly();
    }
  }

  @Test
  void theAggregatorCountsItsCopiesAndItsGroupsOffsets() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 4);
    String pending = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    Path groups = Files.writeString(tmp.resolve("groups"), "hgweb0\nhgweb1\n");
    Path config = CheckAggregatorLagCommandIT.config(tmp, kafka.bootstrapServers(), topic, groups,
        kafka.uniqueTopic("aggregator"), pending);
    try (EventProducer producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30),
        Clock.systemUTC());
         org.vcsreplicator.kafka.OffsetsAdmin admin = new org.vcsreplicator.kafka.OffsetsAdmin(kafka.clientConfig(),
             Duration.ofSeconds(15), Clock.systemUTC())) {
      for (int i = 0; i < 3; i++) {
        producer.send(topic, 0, new Heartbeat());
      }
      producer.send(topic, 2, new RepoInitV2(WirePath.of("{moz}/mozilla-central"), true));
      // Both mirrors applied two records of partition 0 and the one of partition 2.
      admin.commitOffsets("hgweb0", topic, java.util.Map.of(0, 2L, 2, 1L));
      admin.commitOffsets("hgweb1", topic, java.util.Map.of(0, 2L, 2, 1L));
    }
    int port = freePort();
    StringBuffer log = new StringBuffer();
    Process daemon = daemon(log, "aggregate", config.toString(), "--metrics-port", Integer.toString(port));
    try {
      String url = "http://127.0.0.1:" + port + "/metrics";
      String text = scrapeUntil(url, daemon, log,
          t -> t.contains("vcsreplicator_committed_offset{partition=\"2\"} 1.0")
              && t.contains("vcsreplicator_committed_offset{partition=\"0\"} 2.0"));
      assertLine(text, "vcsreplicator_events_total{kind=\"heartbeat-1\",outcome=\"applied\",partition=\"0\"} 2.0");
      assertLine(text, "vcsreplicator_events_total{kind=\"hg-repo-init-2\",outcome=\"applied\",partition=\"2\"} 1.0");
      for (int p = 0; p < 4; p++) {
        assertLine(text, "vcsreplicator_lag_events{partition=\"" + p + "\"} 0.0");
        assertLine(text, "vcsreplicator_partition_stopped{partition=\"" + p + "\"} 0.0");
      }
      assertEquals(0, terminate(daemon), log.toString());
    } finally {
      daemon.destroyForcibly();
    }
  }

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

  @Test
  void aPortInUseStopsTheDaemonWithOneLine() throws Exception {
    String config = ini(kafka.createUniqueTopic("pushdata", 1)).toString();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run run = run("consume", config, "--metrics-port", Integer.toString(taken.getLocalPort()));
      assertEquals(1, run.exit(), run.err());
      assertTrue(run.err().startsWith("vcsreplicator: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": "),
          run.err());
      assertEquals(1, run.err().lines().count(), run.err());
    }
  }

  @Test
  void metricsOptionsAreCheckedAsUsage() throws Exception {
    String config = ini(kafka.createUniqueTopic("pushdata", 1)).toString();
    Run bindAlone = run("consume", config, "--metrics-bind", "0.0.0.0");
    assertEquals(2, bindAlone.exit());
    assertTrue(bindAlone.err().startsWith("--metrics-bind needs --metrics-port"), bindAlone.err());
    Run badPort = run("aggregate", config, "--metrics-port", "70000");
    assertEquals(2, badPort.exit());
    assertTrue(badPort.err().startsWith("--metrics-port must be between 0 and 65535, got 70000"), badPort.err());
  }

  @Test
  void everyDaemonTakesTheMetricsOptions() {
    for (String daemon : List.of("consume", "heads-consume", "aggregate", "pulse-notify")) {
      Run help = run(daemon, "--help");
      assertEquals(0, help.exit(), daemon);
      assertTrue(help.out().contains("--metrics-port=PORT"), daemon + ":\n" + help.out());
      assertTrue(help.out().contains("--metrics-bind=ADDR"), daemon + ":\n" + help.out());
    }
  }
}
