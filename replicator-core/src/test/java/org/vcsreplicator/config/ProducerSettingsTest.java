package org.vcsreplicator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.routing.PartitionMap;

class ProducerSettingsTest {
  private static final String FILE = "/etc/mercurial/vcsreplicator.ini";

  private static final String PRODUCTION =
      "[replicationproducer]\n"
          + "hosts = kafka1:9092, kafka2:9092, kafka3:9092\n"
          + "clientid = 1\n"
          + "topic = pushdata\n"
          + "reqacks = -1\n"
          + "acktimeout = 10000\n"
          + "\n"
          + "# Mapping of wire proto paths to partition number.\n"
          + "partitionmap.0try = 4:\\{moz\\}\\/try\n"
          + "partitionmap.1user = 5,6,7:\\{moz\\}\\/users\\/.*\n"
          + "partitionmap.2main = 0,1,2,3:.*\n"
          + "\n"
          + "[replicationpathrewrites]\n"
          + "/repo/hg/mozilla/ = {moz}/\n";

  @Test
  void readsTheProductionConfig() {
    ProducerSettings p = ProducerSettings.from(IniFile.parse(FILE, PRODUCTION));
    assertEquals(List.of("kafka1:9092", "kafka2:9092", "kafka3:9092"), p.kafka().bootstrapServers());
    assertEquals("1", p.kafka().clientId());
    assertEquals(Duration.ofSeconds(10), p.kafka().connectTimeout());
    assertEquals("pushdata", p.topic());
    assertEquals(-1, p.requiredAcks());
    assertEquals(Duration.ofMillis(10000), p.ackTimeout());
    assertEquals(OptionalInt.of(4), p.partitionMap().partitionFor("{moz}/try"));
    assertEquals(OptionalInt.of(2), p.partitionMap().partitionFor("{moz}/mozilla-central"));
    assertEquals(
        Optional.of("{moz}/Mozilla-Central"),
        p.pathRewrites().wirePathFor("/REPO/hg/mozilla/Mozilla-Central"));
  }

  /** test-config.t: each step adds one option and the next message shows, in this order. */
  @Test
  void reportsMissingOptionsInTheOriginalsOrderAndWords() {
    String[][] steps = {
      {"", "hosts", "replicationproducer.hosts config option not set"},
      {"hosts = dummy1,dummy2\n", "clientid", "replicationproducer.clientid config option not set"},
      {"clientid = 1\n", "topic", "replicationproducer.topic config option not set"},
      {
        "topic = topic\n",
        "partitionmap.*",
        "replicationproducer.partitionmap.* config options not set"
      },
      {"partitionmap.0 = 0:.*\n", "reqacks", "replicationproducer.reqacks must be set to -1, 0, or 1"},
      {"reqacks = 2\n", "reqacks", "replicationproducer.reqacks must be set to -1, 0, or 1"},
    };
    StringBuilder text = new StringBuilder("[replicationproducer]\n");
    for (String[] step : steps) {
      text.append(step[0]);
      ConfigException e = fail(text.toString());
      assertEquals(step[1], e.key());
      assertEquals(step[2], e.detail());
      assertEquals(FILE + ": [replicationproducer] " + step[1] + ": " + step[2], e.getMessage());
    }
    String noAckTimeout = text.toString().replace("reqacks = 2\n", "reqacks = -1\n");
    ConfigException e = fail(noAckTimeout);
    assertEquals("acktimeout", e.key());
    assertEquals("replicationproducer.acktimeout config option not set", e.detail());
    assertEquals("acktimeout", fail(noAckTimeout + "acktimeout = 0\n").key());
    ProducerSettings ok = ProducerSettings.from(IniFile.parse(FILE, noAckTimeout + "acktimeout = 10000\n"));
    assertEquals(List.of("dummy1", "dummy2"), ok.kafka().bootstrapServers());
  }

  private static ConfigException fail(String text) {
    return assertThrows(
        ConfigException.class, () -> ProducerSettings.from(IniFile.parse(FILE, text)));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "reqacks = all | reqacks | replicationproducer.reqacks is not a valid integer ('all')",
        "acktimeout = soon | acktimeout | replicationproducer.acktimeout is not a valid integer"
            + " ('soon')",
        "acktimeout = -5 | acktimeout | replicationproducer.acktimeout must be a positive number"
            + " of ms",
        "partitionmap.9bad = x:.* | partitionmap.9bad | partition 'x' is not a non-negative"
            + " integer (in 'x:.*')",
        "partitionmap.9bad = 1:(oops | partitionmap.9bad | bad regex '(oops': Unclosed group near"
            + " index 5",
        "partitionmap.9bad = 1 | partitionmap.9bad | expected <partition>[,<partition>...]:<regex>,"
            + " got '1'",
        "connecttimeout = x | connecttimeout | not a non-negative number of seconds: 'x'",
        "kafka.client.id = x | kafka.client.id | cannot be passed through: it is set by hosts,"
            + " client_id, group or by the program",
      })
  void namesTheBadOption(String line, String key, String detail) {
    String text = PRODUCTION.replace("[replicationpathrewrites]", line + "\n[replicationpathrewrites]");
    text = line.startsWith("reqacks") ? text.replace("reqacks = -1\n", "") : text;
    text = line.startsWith("acktimeout") ? text.replace("acktimeout = 10000\n", "") : text;
    ConfigException e = fail(text);
    assertEquals(FILE, e.source());
    assertEquals("replicationproducer", e.section());
    assertEquals(key, e.key());
    assertEquals(detail, e.detail());
  }

  @Test
  void partitionMapKeysKeepTheirCase() {
    // "B" sorts before "a" in code point order, as Python sorts them.
    ProducerSettings p =
        ProducerSettings.from(
            IniFile.parse(
                FILE,
                PRODUCTION
                    .replaceAll("partitionmap\\.[^\\n]*\\n", "")
                    .replace("acktimeout = 10000\n", "acktimeout = 1\npartitionmap.a = 1:.*\npartitionmap.B = 2:.*\n")));
    assertEquals(
        List.of("B", "a"), p.partitionMap().entries().stream().map(PartitionMap.Entry::key).toList());
    assertEquals(OptionalInt.of(2), p.partitionMap().partitionFor("{moz}/x"));
  }

  @Test
  void builderNeedsNoFile() {
    ProducerSettings p =
        ProducerSettings.builder()
            .kafka(KafkaConnection.builder().hosts("k:9092").clientId("c").build())
            .topic("pushdata")
            .partitionMap(new PartitionMap(List.of(PartitionMap.Entry.parse("0", "0:.*"))))
            .ackTimeout(Duration.ofSeconds(10))
            .build();
    assertEquals(-1, p.requiredAcks());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ProducerSettings.builder().kafka(p.kafka()).partitionMap(p.partitionMap()).build());
    assertEquals("[replicationproducer] topic: replicationproducer.topic config option not set",
        e.getMessage());
  }
}
