package org.vcsreplicator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaConnectionTest {
  private static final String FILE = "/etc/vcsreplicator.ini";

  @Test
  void readsHostsClientIdTimeoutAndPassThroughSettings() {
    IniFile ini =
        IniFile.parse(
            FILE,
            "[consumer]\n"
                + "hosts = kafka1:9093, kafka2:9093,kafka3:9093\n"
                + "client_id = hgweb1\n"
                + "connect_timeout = 5\n"
                + "kafka.security.protocol = SASL_SSL\n"
                + "kafka.sasl.jaas.config = ScramLoginModule required password=\"s3cr3t\";\n"
                + "kafka.ssl.truststore.password = trustpw\n"
                + "kafka.ssl.key.password = keypw\n"
                + "kafka.ssl.truststore.location = /etc/kafka/truststore.jks\n");
    KafkaConnection k = KafkaConnection.from(ini, "consumer");
    assertEquals(List.of("kafka1:9093", "kafka2:9093", "kafka3:9093"), k.bootstrapServers());
    assertEquals("hgweb1", k.clientId());
    assertEquals(Duration.ofSeconds(5), k.connectTimeout());
    assertEquals(
        List.of(
            "security.protocol",
            "sasl.jaas.config",
            "ssl.truststore.password",
            "ssl.key.password",
            "ssl.truststore.location"),
        List.copyOf(k.clientProperties().keySet()));
    Map<String, String> config = k.clientConfig();
    assertEquals("kafka1:9093,kafka2:9093,kafka3:9093", config.get("bootstrap.servers"));
    assertEquals("hgweb1", config.get("client.id"));
    assertEquals("SASL_SSL", config.get("security.protocol"));
    assertEquals("ScramLoginModule required password=\"s3cr3t\";", config.get("sasl.jaas.config"));
  }

  @Test
  void toStringHidesSecrets() {
    KafkaConnection k =
        KafkaConnection.builder()
            .hosts("k:9092")
            .clientId("c")
            .clientProperty("security.protocol", "SSL")
            .clientProperty("sasl.jaas.config", "jaasvalue")
            .clientProperty("ssl.keystore.password", "pw1")
            .clientProperty("ssl.key.password", "pw2")
            .clientProperty("sasl.client.secret", "pw3")
            .clientProperty("ssl.keystore.location", "/k.jks")
            .build();
    String s = k.toString();
    for (String secret : List.of("jaasvalue", "pw1", "pw2", "pw3", "/k.jks")) {
      assertFalse(s.contains(secret), s);
    }
    assertTrue(s.contains("security.protocol=SSL"), s);
    assertTrue(s.contains("sasl.jaas.config=(hidden)"), s);
    assertTrue(KafkaConnection.isSecret("SSL.KEY.PASSWORD"));
    assertFalse(KafkaConnection.isSecret("security.protocol"));
  }

  @Test
  void defaultsConnectTimeoutToSixtySeconds() {
    IniFile ini = IniFile.parse(FILE, "[aggregator]\nhosts = k:9092\nclient_id = c\n");
    assertEquals(Duration.ofSeconds(60), KafkaConnection.from(ini, "aggregator").connectTimeout());
  }

  @Test
  void namesTheMissingKey() {
    IniFile ini = IniFile.parse(FILE, "[consumer]\nhosts = k:9092\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> KafkaConnection.from(ini, "consumer"));
    assertEquals(FILE + ": [consumer] client_id: missing required key", e.getMessage());
  }

  @Test
  void namesAMissingSection() {
    IniFile ini = IniFile.parse(FILE, "[other]\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> KafkaConnection.from(ini, "consumer"));
    assertEquals(
        FILE + ": [consumer] hosts: missing required key (the file has no [consumer] section)",
        e.getMessage());
  }

  @Test
  void rejectsAnEmptyHostList() {
    IniFile ini = IniFile.parse(FILE, "[consumer]\nhosts = ,\nclient_id = c\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> KafkaConnection.from(ini, "consumer"));
    assertEquals(FILE + ": [consumer] hosts: no Kafka hosts listed", e.getMessage());
  }

  @Test
  void rejectsABadTimeout() {
    IniFile ini =
        IniFile.parse(FILE, "[consumer]\nhosts = k\nclient_id = c\nconnect_timeout = soon\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> KafkaConnection.from(ini, "consumer"));
    assertEquals(
        FILE + ": [consumer] connect_timeout: not a non-negative number of seconds: 'soon'",
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "kafka.bootstrap.servers",
        "kafka.client.id",
        "kafka.group.id",
        "kafka.enable.auto.commit",
        "kafka."
      })
  void rejectsPassThroughOfModelledSettings(String key) {
    IniFile ini = IniFile.parse(FILE, "[consumer]\nhosts = k\nclient_id = c\n" + key + " = x\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> KafkaConnection.from(ini, "consumer"));
    assertEquals(FILE, e.source());
    assertEquals("consumer", e.section());
    assertEquals(key, e.key());
  }

  @Test
  void builderRejectsReservedSettingsToo() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                KafkaConnection.builder()
                    .hosts("k")
                    .clientId("c")
                    .clientProperty("enable.auto.commit", "true")
                    .build());
    assertEquals("kafka.enable.auto.commit", e.key());
  }
}
