package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.offsets.ConsumerLagCheck;

/**
 * {@code print-offsets} and {@code check-lag} against a real broker, after test-print-offsets.t and
 * test-check-consumer-lag.t: an 8-partition topic with one record on partitions 0 and 2, one group
 * that applied both and one that applied nothing.
 *
 * @see org.vcsreplicator.offsets.ConsumerLagCheckTest the same ratings without a broker
 */
class LagCommandsIT {

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  @TempDir static Path dir;

  /** When the records were written; binary fractions keep the lag arithmetic exact. */
  private static final Instant T0 = Instant.parse("2023-11-14T22:13:20.500Z");

  /** "Now" for the commands: 1.25 s after the records were written. */
  private static final Clock NOW = Clock.fixed(T0.plusMillis(1250), ZoneOffset.UTC);

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static String topic;
  private static Path inSync;
  private static Path lagging;

  @BeforeAll
  static void twoRecordsOnAnEightPartitionTopic() throws Exception {
    // The broker is this class's own, so the original's topic name is free.
    topic = "pushdata";
    kafka.createTopic(topic, 8);
    try (EventProducer producer = new EventProducer(kafka.clientConfig(), TIMEOUT, Clock.fixed(T0, ZoneOffset.UTC))) {
      producer.send(topic, 0, new Heartbeat());
      producer.send(topic, 2, new Heartbeat());
    }
    try (OffsetsAdmin admin = new OffsetsAdmin(kafka.clientConfig(), TIMEOUT, Clock.systemUTC())) {
      admin.commitOffsets("hgweb-synced", topic, Map.of(0, 1L, 2, 1L));
    }
    inSync = config("synced.ini", kafka.bootstrapServers(), topic, "hgweb-synced");
    lagging = config("lagging.ini", kafka.bootstrapServers(), topic, "hgweb-stopped");
  }

  private static Path config(String name, String hosts, String topic, String group) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n",
        "[consumer]",
        "hosts = " + hosts,
        "client_id = hgweb-test",
        "topic = " + topic,
        "group = " + group,
        ""), StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> expectedCheck(String summary, String countLabel, String timeLabel) {
    List<String> lines = new ArrayList<>(List.of(summary, ""));
    for (int p = 0; p < 8; p++) {
      if (p == 0 || p == 2) {
        lines.add(countLabel + " - partition " + p + " is 1 messages behind (0/1)");
        lines.add(timeLabel + " - partition " + p + " is 1.250 seconds behind");
      } else {
        lines.add("OK - partition " + p + " is completely in sync (0/0)");
      }
    }
    lines.add("");
    lines.addAll(ConsumerLagCheck.FOOTER);
    return lines;
  }

  @Test
  void checkLagInSync() {
    CommandRun run = CommandRun.run(NOW, "check-lag", inSync.toString());
    List<String> expected = new ArrayList<>(List.of("OK - 8/8 consumers completely in sync", ""));
    for (int p = 0; p < 8; p++) {
      long n = (p == 0 || p == 2) ? 1 : 0;
      expected.add("OK - partition " + p + " is completely in sync (" + n + "/" + n + ")");
    }
    expected.add("");
    expected.addAll(ConsumerLagCheck.FOOTER);
    assertEquals(expected, run.lines(), run::toString);
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void checkLagTwoPartitionsBehindWithinTolerance() {
    CommandRun run = CommandRun.run(NOW, "check-lag", lagging.toString());
    assertEquals(expectedCheck("OK - 2/8 consumers out of sync but within tolerances", "OK", "OK"), run.lines(), run::toString);
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void checkLagWarningByCount() {
    CommandRun run = CommandRun.run(NOW, "check-lag", lagging.toString(), "--warning-lag-count", "1");
    assertEquals(expectedCheck("WARNING - 2/8 partitions out of sync", "WARNING", "OK"), run.lines(), run::toString);
    assertEquals(1, run.exitCode(), run::toString);
  }

  @Test
  void checkLagCriticalByCount() {
    CommandRun run = CommandRun.run(NOW, "check-lag", lagging.toString(), "--critical-lag-count", "1");
    assertEquals(expectedCheck("CRITICAL - 2/8 partitions out of sync", "CRITICAL", "OK"), run.lines(), run::toString);
    assertEquals(2, run.exitCode(), run::toString);
  }

  @Test
  void checkLagWarningByTimeWithAFloatThreshold() {
    CommandRun run = CommandRun.run(NOW, "check-lag", lagging.toString(), "--warning-lag-time", "0.9");
    assertEquals(expectedCheck("WARNING - 2/8 partitions out of sync", "OK", "WARNING"), run.lines(), run::toString);
    assertEquals(1, run.exitCode(), run::toString);
  }

  @Test
  void checkLagCriticalByTimeIsInclusive() {
    CommandRun run = CommandRun.run(NOW, "check-lag", lagging.toString(), "--critical-lag-time=1.25");
    assertEquals(expectedCheck("CRITICAL - 2/8 partitions out of sync", "OK", "CRITICAL"), run.lines(), run::toString);
    assertEquals(2, run.exitCode(), run::toString);
  }

  @Test
  void checkLagAgeIsMeasuredFromCreatedAtTheTimeOfTheCheck() {
    // One second later the same records are older: just under, then at the threshold.
    Clock later = Clock.offset(NOW, Duration.ofSeconds(1));
    assertEquals(0, CommandRun.run(NOW, "check-lag", lagging.toString(), "--warning-lag-time", "2.25").exitCode());
    CommandRun run = CommandRun.run(later, "check-lag", lagging.toString(), "--warning-lag-time", "2.25");
    assertEquals("WARNING - partition 0 is 2.250 seconds behind", run.lines().get(3), run::toString);
    assertEquals(1, run.exitCode(), run::toString);
  }

  @Test
  void checkLagTelegraf() {
    CommandRun run = CommandRun.run(NOW, "check-lag", lagging.toString(), "--telegraf", "--critical-lag-count", "1");
    StringBuilder expected = new StringBuilder("[");
    for (int p = 0; p < 8; p++) {
      boolean behind = p == 0 || p == 2;
      expected.append(p == 0 ? "" : ", ")
          .append("{\"available\": ").append(behind ? 1 : 0)
          .append(", \"lag_time\": ").append(behind ? "1.25" : "0.0")
          .append(", \"offset\": 0, \"partition\": ").append(p).append('}');
    }
    expected.append("]");
    assertEquals(List.of(expected.toString()), run.lines(), run::toString);
    assertEquals(0, run.exitCode(), "telegraf output always exits 0, whatever the thresholds");
  }

  @Test
  void checkLagOtherConsumerSection() throws IOException {
    Path file = dir.resolve("sections.ini");
    Files.writeString(file, Files.readString(lagging)
        + "\n[pulseconsumer]\nhosts = " + kafka.bootstrapServers() + "\nclient_id = pulse\ntopic = " + topic
        + "\ngroup = hgweb-synced\n");
    assertEquals(1, CommandRun.run(NOW, "check-lag", file.toString(), "--warning-lag-count", "1").exitCode());
    CommandRun run = CommandRun.run(NOW, "check-lag", file.toString(), "--warning-lag-count", "1",
        "--consumer-section", "pulseconsumer");
    assertEquals("OK - 8/8 consumers completely in sync", run.lines().get(0), run::toString);
    assertEquals(0, run.exitCode());
  }

  @Test
  void printOffsetsOfTheConfiguredGroup() {
    CommandRun run = CommandRun.run(NOW, "print-offsets", inSync.toString());
    assertEquals("""
        topic     group           partition    offset    available    lag (s)
        --------  ------------  -----------  --------  -----------  ---------
        pushdata  hgweb-synced            0         1            1          0
        pushdata  hgweb-synced            1         0            0          0
        pushdata  hgweb-synced            2         1            1          0
        pushdata  hgweb-synced            3         0            0          0
        pushdata  hgweb-synced            4         0            0          0
        pushdata  hgweb-synced            5         0            0          0
        pushdata  hgweb-synced            6         0            0          0
        pushdata  hgweb-synced            7         0            0          0
        """, run.out(), run::toString);
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void printOffsetsOfSeveralGroups() {
    CommandRun run = CommandRun.run(NOW, "print-offsets", inSync.toString(), "hgweb-stopped, hgweb-synced");
    assertEquals("""
        topic     group            partition    offset    available    lag (s)
        --------  -------------  -----------  --------  -----------  ---------
        pushdata  hgweb-stopped            0         0            1       1.25
        pushdata  hgweb-stopped            1         0            0       0
        pushdata  hgweb-stopped            2         0            1       1.25
        pushdata  hgweb-stopped            3         0            0       0
        pushdata  hgweb-stopped            4         0            0       0
        pushdata  hgweb-stopped            5         0            0       0
        pushdata  hgweb-stopped            6         0            0       0
        pushdata  hgweb-stopped            7         0            0       0
        pushdata  hgweb-synced             0         1            1       0
        pushdata  hgweb-synced             1         0            0       0
        pushdata  hgweb-synced             2         1            1       0
        pushdata  hgweb-synced             3         0            0       0
        pushdata  hgweb-synced             4         0            0       0
        pushdata  hgweb-synced             5         0            0       0
        pushdata  hgweb-synced             6         0            0       0
        pushdata  hgweb-synced             7         0            0       0
        """, run.out(), run::toString);
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void printOffsetsJson() {
    CommandRun run = CommandRun.run(NOW, "print-offsets", lagging.toString(), "--json");
    assertEquals(1, run.lines().size(), run::toString);
    String json = run.lines().get(0);
    assertTrue(json.startsWith("[{\"available\": 1, \"group\": \"hgweb-stopped\", \"lag_messages\": 1, "
        + "\"lag_seconds\": 1.25, \"offset\": 0, \"partition\": 0, \"topic\": \"" + topic + "\"}, "
        + "{\"available\": 0, \"group\": \"hgweb-stopped\", \"lag_messages\": 0, \"lag_seconds\": 0.0, "
        + "\"offset\": 0, \"partition\": 1, \"topic\": \"pushdata\"}, "), json);
    assertEquals(8, json.split("\"partition\"").length - 1, json);
    assertEquals(0, run.exitCode(), run::toString);
  }

  @Test
  void unreadableOldestRecordShowsAsError() throws Exception {
    String poisoned = "poisoned";
    kafka.createTopic(poisoned, 2);
    Map<String, Object> props = kafka.clientConfig().toClientProperties();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(poisoned, 1, null, "not a vcsreplicator record".getBytes(StandardCharsets.UTF_8))).get();
    }
    Path file = config("poisoned.ini", kafka.bootstrapServers(), poisoned, "hgweb-poisoned");

    CommandRun table = CommandRun.run(NOW, "print-offsets", file.toString());
    assertEquals(List.of(
        "topic     group             partition    offset    available  lag (s)",
        "--------  --------------  -----------  --------  -----------  ---------",
        "poisoned  hgweb-poisoned            0         0            0  0.0",
        "poisoned  hgweb-poisoned            1         0            1  error"), table.lines(), table::toString);
    assertEquals(0, table.exitCode());

    CommandRun json = CommandRun.run(NOW, "print-offsets", file.toString(), "--json");
    assertTrue(json.out().contains("\"lag_messages\": 1, \"lag_seconds\": null, \"offset\": 0, \"partition\": 1"), json::toString);

    CommandRun check = CommandRun.run(NOW, "check-lag", file.toString());
    assertEquals(List.of(
        "OK - 1/2 consumers out of sync but within tolerances",
        "",
        "OK - partition 0 is completely in sync (0/0)",
        "OK - partition 1 is 1 messages behind (0/1)",
        "WARNING - could not determine lag time for partition 1",
        "",
        ConsumerLagCheck.FOOTER.get(0),
        ConsumerLagCheck.FOOTER.get(1)), check.lines(), check::toString);
    assertEquals(0, check.exitCode());
  }

  @Test
  void missingTopicIsUnknown() throws IOException {
    Path file = config("missing-topic.ini", kafka.bootstrapServers(), "no-such-topic", "hgweb0");
    CommandRun run = CommandRun.run(NOW, "check-lag", file.toString());
    assertEquals(1, run.lines().size(), run::toString);
    assertTrue(run.lines().get(0).startsWith("UNKNOWN - cannot describe topic no-such-topic: the topic or partition does not exist"),
        run::toString);
    assertEquals(3, run.exitCode());
  }

  @Test
  void brokerDownIsUnknownWithinTenSeconds() {
    kafka.stopBroker();
    CommandRun run = CommandRun.run(NOW, "check-lag", lagging.toString());
    assertEquals(3, run.exitCode(), run::toString);
    assertEquals(1, run.lines().size(), run::toString);
    String line = run.lines().get(0);
    assertTrue(line.startsWith("UNKNOWN - Kafka at " + kafka.bootstrapServers()
        + " did not answer within 4 s (cannot describe topic pushdata: "), line);
    assertTrue(run.millis() < 10_000, "Nagios needs the answer within 10 s: " + run);

    CommandRun print = CommandRun.run(NOW, "print-offsets", lagging.toString(), "--timeout", "2");
    assertEquals(3, print.exitCode(), print::toString);
    assertEquals("", print.out(), print::toString);
    assertEquals(1, print.errLines().size(), print::toString);
    assertTrue(print.errLines().get(0).startsWith("print-offsets: Kafka at " + kafka.bootstrapServers()
        + " did not answer within 1 s (cannot describe topic pushdata: "), print::toString);
    assertTrue(print.millis() < 3_000, print::toString);
  }
}
