package org.vcsreplicator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Aggregator, Pulse and notifier settings. */
class OtherSettingsTest {
  private static final String FILE = "/etc/mercurial/notifications.ini";

  private static final String AGGREGATOR =
      "[aggregator]\n"
          + "hosts = k1:9092, k2:9092\n"
          + "client_id = aggregator\n"
          + "monitor_topic = pushdata\n"
          + "monitor_groups_file = /etc/mercurial/pushdataaggregator-groups\n"
          + "ack_group = pushdataaggregator\n"
          + "aggregate_topic = replicatedpushdatapending\n";

  /** The original's production notifications.ini (minus the SNS sections). */
  private static final String NOTIFIER =
      "[programs]\n"
          + "hg = /var/hg/venv_tools/bin/hg\n"
          + "\n"
          + "[path_rewrites]\n"
          + "{moz}/ = /repo/hg/mozilla/\n"
          + "\n"
          + "[public_url_rewrites]\n"
          + "{moz}/ = https://hg.mozilla.org/\n"
          + "\n"
          + "[ignore_paths]\n"
          + "{moz}/private/ = true\n"
          + "\n"
          + "[pulseconsumer]\n"
          + "hosts = k1:9092, k2:9092\n"
          + "\n"
          + "client_id = pulsenotifier\n"
          + "topic = replicatedpushdata\n"
          + "group = pulsenotifier\n"
          + "\n"
          + "[pulse]\n"
          + "hostname = pulse.mozilla.org\n"
          + "port = 5671\n"
          + "connect_timeout = 5\n"
          + "userid = hgpusher\n"
          + "password = t0ps3cret\n"
          + "exchange = exchange/hgpushes/v1\n"
          + "exchange2 = exchange/hgpushes/v2\n"
          + "virtual_host = /\n"
          + "ssl = true\n"
          + "\n"
          + "routing_key_strip_prefix = https://hg.mozilla.org/\n";

  @Test
  void readsAggregatorSettings() {
    AggregatorSettings a = AggregatorSettings.from(IniFile.parse(FILE, AGGREGATOR));
    assertEquals("aggregator", a.kafka().clientId());
    assertEquals("pushdata", a.monitorTopic());
    assertEquals(Path.of("/etc/mercurial/pushdataaggregator-groups"), a.monitorGroupsFile());
    assertEquals("pushdataaggregator", a.ackGroup());
    assertEquals("replicatedpushdatapending", a.aggregateTopic());
  }

  @ParameterizedTest
  @CsvSource({"monitor_topic", "monitor_groups_file", "ack_group", "aggregate_topic"})
  void aggregatorNamesTheMissingKey(String key) {
    String text = AGGREGATOR.replaceAll(key + " = [^\\n]*\\n", "");
    ConfigException e =
        assertThrows(ConfigException.class, () -> AggregatorSettings.from(IniFile.parse(FILE, text)));
    assertEquals(FILE + ": [aggregator] " + key + ": missing required key", e.getMessage());
  }

  @Test
  void readsTheProductionNotifierConfig() {
    NotifierSettings n = NotifierSettings.from(IniFile.parse(FILE, NOTIFIER), "pulseconsumer", Map.of());
    assertEquals("replicatedpushdata", n.consumer().topic());
    assertEquals("pulsenotifier", n.consumer().group());
    assertEquals("/var/hg/venv_tools/bin/hg", n.consumer().hgPath());
    assertEquals(
        Optional.of("/repo/hg/mozilla/mozilla-central"),
        n.consumer().pathRewrites().localPathFor("{moz}/mozilla-central"));
    assertEquals(
        Optional.of("https://hg.mozilla.org/integration/foo_Bar-baz"),
        n.publicUrlRewrites().urlFor("{moz}/integration/foo_Bar-baz"));
    assertTrue(n.ignorePaths().isIgnored("{moz}/private/ignore"));
    PulseSettings p = n.pulse();
    assertEquals("pulse.mozilla.org", p.hostname());
    assertEquals(5671, p.port());
    assertEquals("hgpusher", p.userid());
    assertEquals("t0ps3cret", p.password());
    assertEquals("/", p.virtualHost());
    assertTrue(p.ssl());
    assertEquals(Duration.ofSeconds(5), p.connectTimeout());
    assertEquals("exchange/hgpushes/v1", p.exchange());
    assertEquals("exchange/hgpushes/v2", p.exchange2());
    assertEquals("https://hg.mozilla.org/", p.routingKeyStripPrefix());
    assertFalse(p.toString().contains("t0ps3cret"), p.toString());
    assertFalse(n.toString().contains("t0ps3cret"), n.toString());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "port = 5671 | port = tls | [pulse] port: not an integer: 'tls'",
        "port = 5671 | port = 70000 | [pulse] port: not a TCP port: 70000",
        "ssl = true | ssl = sometimes | [pulse] ssl: not a boolean: 'sometimes' (use true/false,"
            + " yes/no, on/off, 1/0)",
        "exchange2 = exchange/hgpushes/v2 | | [pulse] exchange2: missing required key",
        "password = t0ps3cret | | [pulse] password: missing required key",
        "connect_timeout = 5 | connect_timeout = -1 | [pulse] connect_timeout: not a non-negative"
            + " number of seconds: '-1'",
        "group = pulsenotifier | | [pulseconsumer] group: missing required key",
      })
  void notifierErrorsNameFileSectionAndKey(String replace, String with, String message) {
    String text = NOTIFIER.replace(replace + "\n", with == null ? "" : with + "\n");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> NotifierSettings.from(IniFile.parse(FILE, text), "pulseconsumer", Map.of()));
    assertEquals(FILE + ": " + message, e.getMessage());
  }

  @Test
  void badPasswordValueIsNeverEchoed() {
    // A password may be empty; it is never parsed, so it can never appear in an error message.
    String text = NOTIFIER.replace("password = t0ps3cret", "password =");
    assertEquals("", NotifierSettings.from(IniFile.parse(FILE, text), "pulseconsumer", Map.of())
        .pulse().password());
  }

  @Test
  void pulseBuilderNeedsNoFile() {
    PulseSettings p =
        PulseSettings.builder()
            .hostname("localhost")
            .port(5672)
            .userid("guest")
            .password("guest")
            .exchange("exchange/hgpushes/v1")
            .exchange2("exchange/hgpushes/v2")
            .routingKeyStripPrefix("https://hg.mozilla.org/")
            .build();
    assertEquals("/", p.virtualHost());
    ConfigException e =
        assertThrows(ConfigException.class, () -> PulseSettings.builder().hostname("h").build());
    assertEquals("[pulse] port: not a TCP port: 0", e.getMessage());
  }
}
