package org.vcsreplicator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.routing.FilterDecision;

class ConsumerSettingsTest {
  private static final String FILE = "/etc/mercurial/vcsreplicator.ini";

  /** The original's test config (helpers.sh) plus the mirror-like filter rules. */
  private static final String MIRROR =
      "[consumer]\n"
          + "hosts = kafka0:9092, kafka1:9092, kafka2:9092\n"
          + "connect_timeout = 5\n"
          + "poll_timeout = 0.2\n"
          + "client_id = pull0\n"
          + "topic = pushdata\n"
          + "group = ttest\n"
          + "\n"
          + "[path_rewrites]\n"
          + "{moz} = /repo/hg/mozilla\n"
          + "\n"
          + "[pull_url_rewrites]\n"
          + "{moz} = ssh://hgssh\n"
          + "[replicationrules]\n"
          + "include.projects = re:\\{moz\\}/projects/.*\n"
          + "include.Central = path:{moz}/mozilla-central\n"
          + "exclude.unified = path:{moz}/mozilla-unified\n"
          + "exclude.users = re:\\{moz\\}/users/.*\n";

  private static ConsumerSettings read(String text) {
    return ConsumerSettings.from(IniFile.parse(FILE, text), "consumer", Map.of());
  }

  private static ConfigException fail(String text) {
    return assertThrows(ConfigException.class, () -> read(text));
  }

  @Test
  void readsTheOriginalsTestConfig() {
    ConsumerSettings c = read(MIRROR);
    assertEquals("consumer", c.section());
    assertEquals(3, c.kafka().bootstrapServers().size());
    assertEquals("pull0", c.kafka().clientId());
    assertEquals(Duration.ofSeconds(5), c.kafka().connectTimeout());
    assertEquals("pushdata", c.topic());
    assertEquals("ttest", c.group());
    assertEquals(Duration.ofMillis(200), c.pollTimeout());
    assertFalse(c.backup());
    assertEquals(Path.of("/repo/hg/todelete"), c.todeletePath());
    assertEquals(RetrySettings.defaults(), c.retry());
    assertEquals("hg", c.hgPath());
    assertEquals(
        Optional.of("/repo/hg/mozilla/mozilla-central"),
        c.pathRewrites().localPathFor("{moz}/mozilla-central"));
    assertEquals(
        Optional.of("ssh://hgssh/mozilla-central"),
        c.pullUrlRewrites().urlFor("{moz}/mozilla-central"));
    // Rule names are lower-cased, as RawConfigParser reports them.
    assertEquals(
        new FilterDecision(true, "central"), c.replicationRules().decide("{moz}/mozilla-central"));
    assertEquals(
        new FilterDecision(false, "unified"),
        c.replicationRules().decide("{moz}/mozilla-unified"));
  }

  @Test
  void readsOptionalKeys() {
    ConsumerSettings c =
        read(
            MIRROR.replace(
                    "group = ttest\n",
                    "group = ttest\nbackup = Yes\ntodelete_path = /srv/todelete\n"
                        + "retry_max_retries = 2\nretry_base_delay = 0.5\n")
                + "[programs]\nhg = /var/hg/venv_replication/bin/hg\n");
    assertTrue(c.backup());
    assertEquals(Path.of("/srv/todelete"), c.todeletePath());
    assertEquals(new RetrySettings(2, Duration.ofMillis(500)), c.retry());
    assertEquals("/var/hg/venv_replication/bin/hg", c.hgPath());
  }

  @Test
  void environmentOverridesRetrySettings() {
    IniFile ini = IniFile.parse(FILE, MIRROR.replace("group = ttest\n", "group = ttest\nretry_max_retries = 3\n"));
    ConsumerSettings c =
        ConsumerSettings.from(
            ini,
            "consumer",
            Map.of(
                "VCSREPLICATOR_RETRY_MAX_RETRIES", "0", "VCSREPLICATOR_RETRY_BASE_DELAY", "1"));
    assertEquals(new RetrySettings(0, Duration.ofSeconds(1)), c.retry());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "VCSREPLICATOR_RETRY_MAX_RETRIES | x | environment: VCSREPLICATOR_RETRY_MAX_RETRIES: not an"
            + " integer: 'x'",
        "VCSREPLICATOR_RETRY_MAX_RETRIES | -1 | environment: VCSREPLICATOR_RETRY_MAX_RETRIES: must"
            + " not be negative: -1",
        "VCSREPLICATOR_RETRY_BASE_DELAY | -2 | environment: VCSREPLICATOR_RETRY_BASE_DELAY: not a"
            + " non-negative number of seconds: '-2'",
      })
  void badEnvironmentValuesNameTheVariable(String name, String value, String message) {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConsumerSettings.from(IniFile.parse(FILE, MIRROR), "consumer", Map.of(name, value)));
    assertEquals(message, e.getMessage());
  }

  @Test
  void readsAnotherSectionWithTheSameKeys() {
    String text =
        "[pulseconsumer]\nhosts = k:9092\nclient_id = pulsenotifier\ntopic = replicatedpushdata\n"
            + "group = pulsenotifier\n";
    ConsumerSettings c = ConsumerSettings.from(IniFile.parse(FILE, text), "pulseconsumer", Map.of());
    assertEquals("pulseconsumer", c.section());
    assertEquals("replicatedpushdata", c.topic());
    assertTrue(c.pathRewrites().isEmpty());
    assertTrue(c.replicationRules().isEmpty());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConsumerSettings.from(IniFile.parse(FILE, text), "consumer", Map.of()));
    assertEquals("consumer", e.section());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "group = ttest~| | [consumer] group: missing required key",
        "topic = pushdata~| | [consumer] topic: missing required key",
        "hosts = kafka0:9092, kafka1:9092, kafka2:9092~| | [consumer] hosts: missing required key",
        "client_id = pull0~| | [consumer] client_id: missing required key",
        "group = ttest~| group =~| [consumer] group: must not be empty",
        "poll_timeout = 0.2~| poll_timeout = 0~| [consumer] poll_timeout: must be positive",
        "poll_timeout = 0.2~| poll_timeout = fast~| [consumer] poll_timeout: not a non-negative"
            + " number of seconds: 'fast'",
        "group = ttest~| group = g~backup = maybe~| [consumer] backup: not a boolean: 'maybe'"
            + " (use true/false, yes/no, on/off, 1/0)",
        "group = ttest~| group = g~todelete_path = todelete~| [consumer] todelete_path: must be"
            + " an absolute path: todelete",
        "group = ttest~| group = g~retry_max_retries = many~| [consumer] retry_max_retries: not"
            + " an integer: 'many'",
        "{moz} = /repo/hg/mozilla~| {MOZ} = repos~| [path_rewrites] {MOZ}: 'repos' is not an"
            + " absolute path; a mirror root must be absolute",
        "include.projects = re:\\{moz\\}/projects/.*~| include.projects = re:(~| [replicationrules]"
            + " include.projects: bad regex '(': Unclosed group near index 1",
        "include.projects = re:\\{moz\\}/projects/.*~| allow.projects = re:x~| [replicationrules]"
            + " allow.projects: rule name must be include.NAME or exclude.NAME",
        "include.projects = re:\\{moz\\}/projects/.*~| include.projects = glob:x~|"
            + " [replicationrules] include.projects: bad rule type in 'glob:x': expected re:REGEX or"
            + " path:PATH",
      })
  void errorsNameFileSectionAndKey(String replace, String with, String message) {
    // '~' stands for a line break (a CSV row cannot hold one)
    String from = replace.replace('~', '\n');
    String to = with == null ? "" : with.replace('~', '\n');
    ConfigException e = fail(MIRROR.replace(from, to));
    assertEquals(FILE + ": " + message, e.getMessage());
  }

  @Test
  void emptyProgramsHgIsNamed() {
    ConfigException e = fail(MIRROR + "[programs]\nhg =\n");
    assertEquals(FILE + ": [programs] hg: must not be empty", e.getMessage());
  }

  @Test
  void rewriteKeysAreLowerCasedAsRawConfigParserDoes() {
    ConsumerSettings c =
        read(MIRROR.replace("{moz} = /repo/hg/mozilla", "{MOZ} = /repo/hg/mozilla"));
    assertEquals(
        Optional.of("/repo/hg/mozilla/x"), c.pathRewrites().localPathFor("{moz}/x"));
  }

  @Test
  void builderNeedsNoFile() {
    ConsumerSettings c =
        ConsumerSettings.builder()
            .kafka(KafkaConnection.builder().hosts("k:9092").clientId("c").build())
            .topic("pushdata")
            .group("g")
            .build();
    assertEquals(Duration.ofMillis(100), c.pollTimeout());
    assertEquals("hg", c.hgPath());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConsumerSettings.builder().kafka(c.kafka()).topic("t").build());
    assertEquals("[consumer] group: missing required key", e.getMessage());
  }

  @Test
  void skipTopicDefaultsToTheTopicWithSuffixAndCanBeSet() {
    assertEquals("pushdata-skipped", read(MIRROR).skipTopic());
    assertEquals("audit.skips",
        read(MIRROR.replace("group = ttest\n", "group = ttest\nskip_topic = audit.skips\n")).skipTopic());
    ConsumerSettings built = ConsumerSettings.builder()
        .kafka(KafkaConnection.builder().hosts("k:9092").clientId("c").build()).topic("t").group("g").build();
    assertEquals("t-skipped", built.skipTopic());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "skip_topic = audit/skips| [consumer] skip_topic: not a valid Kafka topic name (letters, digits,"
            + " '.', '_', '-'; at most 249): 'audit/skips'",
        "skip_topic = pushdata| [consumer] skip_topic: must differ from topic 'pushdata'",
        "skip_topic = ..| [consumer] skip_topic: not a valid Kafka topic name (letters, digits,"
            + " '.', '_', '-'; at most 249): '..'",
      })
  void badSkipTopicIsNamed(String line, String message) {
    ConfigException e = fail(MIRROR.replace("group = ttest\n", "group = ttest\n" + line + "\n"));
    assertEquals(FILE + ": " + message, e.getMessage());
  }

  @Test
  void toStringHidesKafkaSecrets() {
    ConsumerSettings c =
        read(MIRROR.replace("group = ttest\n", "group = ttest\nkafka.ssl.key.password = hunter2\n"));
    assertFalse(c.toString().contains("hunter2"), c.toString());
    assertEquals("hunter2", c.kafka().clientConfig().get("ssl.key.password"));
  }

  @Test
  void retryDelaysDouble() {
    RetrySettings r = RetrySettings.defaults();
    assertEquals(
        List.of(2L, 4L, 8L, 16L, 32L),
        List.of(0, 1, 2, 3, 4).stream().map(n -> r.delayBeforeRetry(n).toSeconds()).toList());
    assertTrue(r.delayBeforeRetry(200).toDays() > 1000, "saturates instead of overflowing");
    assertEquals(Duration.ZERO, new RetrySettings(1, Duration.ZERO).delayBeforeRetry(100));
  }
}
