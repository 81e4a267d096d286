package org.vcsreplicator.kafka;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.vcsreplicator.config.KafkaConnection;

/**
 * How to reach the Kafka cluster: bootstrap servers, a client id, and any further client settings
 * we do not model ourselves (TLS, SASL, …), passed through to every Kafka client unchanged.
 *
 * <p>Immutable. {@link #toString()} never prints the values of the extra properties, because they
 * may hold passwords.
 *
 * @param bootstrapServers {@code host:port} entries; never null, never empty
 * @param clientId the Kafka {@code client.id}; never null or blank
 * @param properties further client settings; never null (may be empty); may not set
 *     {@code bootstrap.servers} or {@code client.id}
 */
public record KafkaClientConfig(List<String> bootstrapServers, String clientId, Map<String, String> properties) {

  private static final Set<String> RESERVED =
      Set.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, CommonClientConfigs.CLIENT_ID_CONFIG);

  public KafkaClientConfig {
    bootstrapServers = List.copyOf(Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
    if (bootstrapServers.isEmpty() || bootstrapServers.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("bootstrap servers must be a non-empty list of host:port, got " + bootstrapServers);
    }
    Objects.requireNonNull(clientId, "clientId");
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("client id is blank");
    }
    properties = Map.copyOf(Objects.requireNonNull(properties, "properties"));
    for (String key : properties.keySet()) {
      if (RESERVED.contains(key)) {
        throw new IllegalArgumentException("client property '" + key + "' must be given as its own setting, not as an extra property");
      }
    }
  }

  /** Config from a list of servers, a client id and extra client properties (may be empty). */
  public static KafkaClientConfig of(List<String> bootstrapServers, String clientId, Map<String, String> properties) {
    return new KafkaClientConfig(bootstrapServers, clientId, properties);
  }

  /**
   * The client settings of a config file's section ({@code hosts}, {@code client_id} and the
   * {@code kafka.*} pass-through settings); the connect timeout bounds socket set-up.
   */
  public static KafkaClientConfig from(KafkaConnection connection) {
    Map<String, String> extra = new HashMap<>(connection.clientProperties());
    long connectMillis = connection.connectTimeout().toMillis();
    extra.putIfAbsent(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG,
        Long.toString(Math.min(10_000L, connectMillis)));
    extra.putIfAbsent(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Long.toString(connectMillis));
    return new KafkaClientConfig(connection.bootstrapServers(), connection.clientId(), extra);
  }

  /** Config from a comma-separated server list ({@code "h1:9092,h2:9092"}) and a client id. */
  public static KafkaClientConfig of(String bootstrapServers, String clientId) {
    List<String> servers = Arrays.stream(bootstrapServers.split(",")).map(String::trim).collect(Collectors.toList());
    return new KafkaClientConfig(servers, clientId, Map.of());
  }

  /** A copy with another client id (e.g. one per daemon role); never null. */
  public KafkaClientConfig withClientId(String newClientId) {
    return new KafkaClientConfig(bootstrapServers, newClientId, properties);
  }

  /**
   * The settings every client built from this config starts with: the extra properties, the
   * bootstrap servers and the client id. A new mutable map the caller may add to; never null.
   */
  public Map<String, Object> toClientProperties() {
    Map<String, Object> out = new HashMap<>(properties);
    out.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
    out.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    return out;
  }

  @Override
  public String toString() {
    // Property names only: values may be secrets (SASL passwords, key store passwords).
    return "KafkaClientConfig[bootstrapServers=" + bootstrapServers + ", clientId=" + clientId
        + ", properties=" + new TreeMap<>(properties).keySet() + "]";
  }
}
