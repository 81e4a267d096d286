package org.vcsreplicator.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaClientConfigTest {

  @Test
  void splitsACommaSeparatedServerList() {
    KafkaClientConfig c = KafkaClientConfig.of("k1:9092, k2:9092", "hgweb1");
    assertEquals(List.of("k1:9092", "k2:9092"), c.bootstrapServers());
    assertEquals("k1:9092,k2:9092", c.toClientProperties().get("bootstrap.servers"));
    assertEquals("hgweb1", c.toClientProperties().get("client.id"));
  }

  @Test
  void neverPrintsPropertyValues() {
    KafkaClientConfig c = KafkaClientConfig.of(List.of("k1:9092"), "hgweb1",
        Map.of("sasl.jaas.config", "secret-password", "security.protocol", "SASL_SSL"));
    assertFalse(c.toString().contains("secret-password"), c.toString());
    assertEquals("KafkaClientConfig[bootstrapServers=[k1:9092], clientId=hgweb1, properties=[sasl.jaas.config, security.protocol]]",
        c.toString());
  }

  @Test
  void rejectsServersOrClientIdHiddenInTheExtraProperties() {
    assertThrows(IllegalArgumentException.class,
        () -> KafkaClientConfig.of(List.of("k1:9092"), "x", Map.of("bootstrap.servers", "other:9092")));
    assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.of(List.of(), "x", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> KafkaClientConfig.of("k1:9092", " "));
  }
}
