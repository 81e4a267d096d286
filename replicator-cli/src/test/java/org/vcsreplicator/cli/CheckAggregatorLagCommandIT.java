package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;

/** {@code check-aggregator-lag} against a real broker: the lines and exit codes of test-check-aggregator-lag.t. */
class CheckAggregatorLagCommandIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  private static EventProducer producer;
  private static OffsetsAdmin admin;

  @TempDir Path dir;

  @BeforeAll
  static void clients() {
    producer = new EventProducer(kafka.clientConfig(), Duration.ofSeconds(15), Clock.systemUTC());
    admin = new OffsetsAdmin(kafka.clientConfig(), Duration.ofSeconds(15), Clock.systemUTC());
  }

  @AfterAll
  static void closeClients() {
    producer.close();
    admin.close();
  }

  private static CommandRun run(String... args) {
    return CommandRun.run(args);
  }

  static Path config(Path dir, String hosts, String monitorTopic, Path groupsFile, String ackGroup, String aggregateTopic)
      throws IOException {
    Path file = dir.resolve("aggregator-" + monitorTopic + ".ini");
    Files.writeString(file, "[aggregator]\n"
        + "hosts = " + hosts + "\n"
        + "client_id = hgssh\n"
        + "monitor_topic = " + monitorTopic + "\n"
        + "monitor_groups_file = " + groupsFile + "\n"
        + "ack_group = " + ackGroup + "\n"
        + "aggregate_topic = " + aggregateTopic + "\n");
    return file;
  }

  private static Map<Integer, Long> all(int partitions, long offset) {
    Map<Integer, Long> out = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      out.put(p, offset);
    }
    return out;
  }

  private static List<String> withFooter(String... lines) {
    List<String> out = new ArrayList<>(List.of(lines));
    out.add("");
    out.add("See https://mozilla-version-control-tools.readthedocs.io/en/latest/hgmo/ops.html");
    out.add("for details about this check.");
    return out;
  }

  /** The scenario of test-check-aggregator-lag.t, with the aggregator stopped and resumed. */
  @Test
  void inSyncThenLaggingThenWarningCriticalAndTelegraf() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    String pending = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    String ack = kafka.uniqueTopic("aggregator");
    Path groups = dir.resolve("groups");
    Files.writeString(groups, "hgweb0\nhgweb1\n");
    Path cfg = config(dir, kafka.bootstrapServers(), topic, groups, ack, pending);
    for (int p = 0; p < 8; p++) {
      producer.send(topic, p, new Heartbeat());
    }
    admin.commitOffsets("hgweb0", topic, all(8, 1));
    admin.commitOffsets("hgweb1", topic, all(8, 1));
    // The aggregator copies what both mirrors applied.
    CommandRun agg = run("aggregate", cfg.toString(), "--onetime");
    assertEquals(0, agg.exitCode(), agg.err());

    CommandRun ok = run("check-aggregator-lag", cfg.toString());
    assertEquals(0, ok.exitCode(), ok.err());
    List<String> inSync = new ArrayList<>(List.of("OK - aggregator has copied all fully replicated messages", ""));
    for (int p = 0; p < 8; p++) {
      inSync.add("OK - partition " + p + " is completely in sync (1/1)");
    }
    assertEquals(withFooter(inSync.toArray(String[]::new)), ok.lines());

    // The aggregator is stopped; a repo creation (heartbeat to 0, init to 2) reaches both mirrors.
    producer.send(topic, 0, new Heartbeat());
    producer.send(topic, 2, new RepoInitV2(new WirePath("{moz}/repo0"), true));
    admin.commitOffsets("hgweb0", topic, Map.of(0, 2L, 2, 2L));
    admin.commitOffsets("hgweb1", topic, Map.of(0, 2L, 2, 2L));

    List<String> lagging = List.of(
        "LABEL - 2 messages from 2 partitions behind",
        "",
        "LABEL - partition 0 is 1 messages behind (1/2)",
        "OK - partition 1 is completely in sync (1/1)",
        "LABEL - partition 2 is 1 messages behind (1/2)",
        "OK - partition 3 is completely in sync (1/1)",
        "OK - partition 4 is completely in sync (1/1)",
        "OK - partition 5 is completely in sync (1/1)",
        "OK - partition 6 is completely in sync (1/1)",
        "OK - partition 7 is completely in sync (1/1)");
    CommandRun behind = run("check-aggregator-lag", cfg.toString());
    assertEquals(0, behind.exitCode());
    assertEquals(withFooter(lagging.stream().map(l -> l.replace("LABEL", "OK")).toArray(String[]::new)), behind.lines());

    CommandRun warning = run("check-aggregator-lag", cfg.toString(), "--warning-count", "1");
    assertEquals(1, warning.exitCode());
    assertEquals(withFooter(lagging.stream().map(l -> l.replace("LABEL", "WARNING")).toArray(String[]::new)),
        warning.lines());

    CommandRun critical = run("check-aggregator-lag", "--critical-count", "1", cfg.toString());
    assertEquals(2, critical.exitCode());
    assertEquals(withFooter(lagging.stream().map(l -> l.replace("LABEL", "CRITICAL")).toArray(String[]::new)),
        critical.lines());

    // Resuming the aggregator clears the check.
    assertEquals(0, run("aggregate", cfg.toString(), "--onetime").exitCode());
    CommandRun resumed = run("check-aggregator-lag", cfg.toString(), "--warning-count", "0");
    assertEquals(0, resumed.exitCode());
    assertEquals("OK - aggregator has copied all fully replicated messages", resumed.lines().get(0));
    assertEquals("OK - partition 0 is completely in sync (2/2)", resumed.lines().get(2));
    assertEquals("OK - partition 2 is completely in sync (2/2)", resumed.lines().get(4));

    CommandRun telegraf = run("check-aggregator-lag", cfg.toString(), "--telegraf");
    assertEquals(0, telegraf.exitCode());
    StringBuilder json = new StringBuilder("[");
    for (int p = 0; p < 8; p++) {
      long o = p == 0 || p == 2 ? 2 : 1;
      json.append(p == 0 ? "" : ", ").append("{\"acked_offset\": ").append(o).append(", \"consumed_offset\": ")
          .append(o).append(", \"partition\": ").append(p).append('}');
    }
    assertEquals(json.append("]\n").toString(), telegraf.out());

    // The second stage's config: one entry for the single pending partition.
    String fin = kafka.createUniqueTopic("replicatedpushdata", 1);
    Path headsGroups = dir.resolve("heads-groups");
    Files.writeString(headsGroups, "hgweb0-heads\nhgweb1-heads\n");
    admin.commitOffsets("hgweb0-heads", pending, Map.of(0, 10L));
    admin.commitOffsets("hgweb1-heads", pending, Map.of(0, 10L));
    Path stage2 = config(dir, kafka.bootstrapServers(), pending, headsGroups, kafka.uniqueTopic("aggregator-final"), fin);
    assertEquals(0, run("aggregate", stage2.toString(), "--onetime").exitCode());
    CommandRun second = run("check-aggregator-lag", stage2.toString(), "--telegraf");
    assertEquals("[{\"acked_offset\": 10, \"consumed_offset\": 10, \"partition\": 0}]\n", second.out());
    assertEquals(10, kafka.readAll(fin).size());
  }

  @Test
  void brokerNotAnsweringIsUnknown() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path groups = dir.resolve("groups");
    Files.writeString(groups, "hgweb0\n");
    Path cfg = config(dir, "127.0.0.1:" + port, "pushdata", groups, "aggregator", "pending");
    long t0 = System.nanoTime();
    CommandRun r = run("check-aggregator-lag", cfg.toString(), "--timeout", "1");
    assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(8).toNanos(), "answers before Nagios gives up");
    assertEquals(3, r.exitCode());
    assertEquals(1, r.lines().size(), r.out());
    assertTrue(r.lines().get(0).startsWith("UNKNOWN - "), r.out());
    assertTrue(r.lines().get(0).contains("pushdata"), r.out());
  }

  @Test
  void missingTopicIsUnknown() throws Exception {
    Path groups = dir.resolve("groups");
    Files.writeString(groups, "hgweb0\n");
    Path cfg = config(dir, kafka.bootstrapServers(), "no-such-topic", groups, "aggregator", "pending");
    CommandRun r = run("check-aggregator-lag", cfg.toString());
    assertEquals(3, r.exitCode());
    assertTrue(r.out().startsWith("UNKNOWN - ") && r.out().contains("no-such-topic"), r.out());
  }

  @Test
  void usageAndConfigErrorsAreUnknownNeverCritical() throws Exception {
    Path groups = dir.resolve("groups");
    Files.writeString(groups, "hgweb0\n");
    Path cfg = config(dir, kafka.bootstrapServers(), "pushdata", groups, "aggregator", "pending");

    assertUnknown(run("check-aggregator-lag"), "CONFIG");
    assertUnknown(run("check-aggregator-lag", cfg.toString(), "--warning-count", "many"), "many");
    assertUnknown(run("check-aggregator-lag", cfg.toString(), "--warnig-count", "1"), "--warnig-count");
    assertUnknown(run("check-aggregator-lag", cfg.toString(), "--critical-count"), "--critical-count");
    assertUnknown(run("check-aggregator-lag", cfg.toString(), "--critical-count", "-1"), "must not be negative");
    assertUnknown(run("check-aggregator-lag", cfg.toString(), "--timeout", "0"), "--timeout");

    Path nowhere = dir.resolve("nowhere.ini");
    CommandRun missingFile = run("check-aggregator-lag", nowhere.toString());
    assertEquals(3, missingFile.exitCode());
    assertEquals("UNKNOWN - " + nowhere + ": config file does not exist\n", missingFile.out());

    Path noSection = dir.resolve("empty.ini");
    Files.writeString(noSection, "[consumer]\nhosts = x:1\n");
    CommandRun missingKey = run("check-aggregator-lag", noSection.toString());
    assertEquals(3, missingKey.exitCode());
    assertTrue(missingKey.out().startsWith("UNKNOWN - " + noSection + ": [aggregator]"), missingKey.out());

    Files.writeString(groups, "aggregator\n");
    CommandRun onlyOwn = run("check-aggregator-lag", cfg.toString());
    assertEquals("UNKNOWN - consumer groups file " + groups
        + ": lists no consumer group but the aggregator's own (aggregator)\n", onlyOwn.out());

    Files.delete(groups);
    CommandRun noGroups = run("check-aggregator-lag", cfg.toString());
    assertEquals(3, noGroups.exitCode());
    assertEquals("UNKNOWN - consumer groups file " + groups + ": does not exist\n", noGroups.out());
  }

  private static void assertUnknown(CommandRun r, String mentioned) {
    assertEquals(3, r.exitCode(), r.toString());
    assertEquals(1, r.lines().size(), r.toString());
    assertTrue(r.lines().get(0).startsWith("UNKNOWN - ") && r.lines().get(0).contains(mentioned), r.toString());
  }

  @Test
  void helpExitsZero() {
    CommandRun r = run("check-aggregator-lag", "--help");
    assertEquals(0, r.exitCode());
    assertTrue(r.out().contains("--warning-count"), r.out());
  }
}
