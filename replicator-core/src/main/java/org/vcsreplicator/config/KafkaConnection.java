package org.vcsreplicator.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * How to reach the Kafka cluster: the {@code hosts}, {@code client_id} and {@code connect_timeout}
 * of a section, plus Kafka client settings passed through unchanged.
 *
 * <p><b>Pass-through syntax.</b> An option {@code kafka.NAME = VALUE} in the same section becomes
 * the Kafka client setting {@code NAME = VALUE}, e.g.
 *
 * <pre>
 * [consumer]
 * hosts = kafka1:9093, kafka2:9093
 * client_id = hgweb1
 * kafka.security.protocol = SASL_SSL
 * kafka.sasl.mechanism = SCRAM-SHA-512
 * kafka.sasl.jaas.config = org.apache.kafka.common.security.scram.ScramLoginModule required username="u" password="p";
 * kafka.ssl.truststore.location = /etc/kafka/truststore.jks
 * </pre>
 *
 * {@code bootstrap.servers}, {@code client.id}, {@code group.id} and {@code enable.auto.commit}
 * cannot be passed through: the first three come from {@code hosts}, {@code client_id} and {@code
 * group}, and auto-commit would break "commit only after apply" (SPEC rule 2). Adapters apply the
 * pass-through settings first and their own required settings (serializers, acks) after them.
 *
 * <p>{@link #toString()} hides the value of every setting whose name contains {@code password},
 * {@code secret}, {@code jaas} or {@code key}; never log {@link #clientConfig()} itself.
 *
 * @param bootstrapServers {@code host:port} entries, non-empty, never null
 * @param clientId the Kafka client id, non-blank
 * @param connectTimeout how long to try to reach the cluster at start-up, non-negative
 * @param clientProperties pass-through Kafka settings (names without the {@code kafka.} prefix), in
 *     file order, never null
 */
public record KafkaConnection(
    List<String> bootstrapServers,
    String clientId,
    Duration connectTimeout,
    Map<String, String> clientProperties) {

  /** Prefix of pass-through options. */
  public static final String PASSTHROUGH_PREFIX = "kafka.";

  /** {@code connect_timeout} when a consumer-style section does not set it (the original's). */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(60);

  private static final Set<String> RESERVED =
      Set.of("bootstrap.servers", "client.id", "group.id", "enable.auto.commit");

  private static final List<String> SECRET_WORDS = List.of("password", "secret", "jaas", "key");

  /**
   * @throws ConfigException (without file or section) when a value is invalid
   */
  public KafkaConnection {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    bootstrapServers = List.copyOf(bootstrapServers);
    if (bootstrapServers.isEmpty() || bootstrapServers.stream().anyMatch(String::isBlank)) {
      throw new ConfigException(null, null, "hosts", "no Kafka hosts listed");
    }
    if (clientId == null || clientId.isBlank()) {
      throw new ConfigException(null, null, "client_id", "must not be empty");
    }
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (connectTimeout.isNegative()) {
      throw new ConfigException(null, null, "connect_timeout", "must not be negative");
    }
    Objects.requireNonNull(clientProperties, "clientProperties");
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : clientProperties.entrySet()) {
      String reason = passthroughProblem(e.getKey());
      if (reason != null) {
        throw new ConfigException(null, null, PASSTHROUGH_PREFIX + e.getKey(), reason);
      }
      copy.put(e.getKey(), Objects.requireNonNull(e.getValue(), e.getKey()));
    }
    clientProperties = Collections.unmodifiableMap(copy);
  }

  /**
   * Reads a consumer-style section ({@code hosts}, {@code client_id}, optional {@code
   * connect_timeout} in seconds, {@code kafka.*}).
   *
   * @throws ConfigException naming file, section and key
   */
  public static KafkaConnection from(IniFile ini, String section) {
    SectionReader r = new SectionReader(ini, section);
    return read(r, "client_id", "connect_timeout", DEFAULT_CONNECT_TIMEOUT);
  }

  static KafkaConnection read(
      SectionReader r, String clientIdKey, String timeoutKey, Duration defaultTimeout) {
    List<String> hosts = splitHosts(r.required("hosts"));
    String clientId = r.required(clientIdKey);
    Duration timeout = r.seconds(timeoutKey, defaultTimeout);
    return create(r, hosts, clientId, timeout);
  }

  /** Builds from already-read values, reading the pass-through options. */
  static KafkaConnection create(
      SectionReader r, List<String> hosts, String clientId, Duration timeout) {
    try {
      return new KafkaConnection(hosts, clientId, timeout, passthrough(r));
    } catch (ConfigException e) {
      throw e.locatedIn(r.ini().source(), r.section());
    }
  }

  private static Map<String, String> passthrough(SectionReader r) {
    Map<String, String> props = new LinkedHashMap<>();
    for (IniFile.Entry e : r.ini().entries(r.section())) {
      if (e.key().regionMatches(true, 0, PASSTHROUGH_PREFIX, 0, PASSTHROUGH_PREFIX.length())) {
        String name = e.key().substring(PASSTHROUGH_PREFIX.length());
        String reason = passthroughProblem(name);
        if (reason != null) {
          throw r.error(e.key(), reason);
        }
        props.put(name, e.value());
      }
    }
    return props;
  }

  private static String passthroughProblem(String name) {
    if (name.isBlank()) {
      return "no Kafka setting named after '" + PASSTHROUGH_PREFIX + "'";
    }
    if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
      return "cannot be passed through: it is set by hosts, client_id, group or by the program";
    }
    return null;
  }

  /** {@code hosts} as the original reads it: a list separated by commas and/or blanks. */
  static List<String> splitHosts(String hosts) {
    List<String> out = new ArrayList<>();
    for (String h : hosts.split("[,\\s]+")) {
      if (!h.isEmpty()) {
        out.add(h);
      }
    }
    return out;
  }

  /**
   * The Kafka client configuration: {@code bootstrap.servers}, {@code client.id} and the
   * pass-through settings. Holds secrets: never log it.
   *
   * @return a new mutable map in a stable order, never null
   */
  public Map<String, String> clientConfig() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("bootstrap.servers", String.join(",", bootstrapServers));
    config.put("client.id", clientId);
    config.putAll(clientProperties);
    return config;
  }

  /**
   * Whether a Kafka setting's value is hidden in {@link #toString()}: its name contains {@code
   * password}, {@code secret}, {@code jaas} or {@code key} (ignoring case).
   */
  public static boolean isSecret(String settingName) {
    String lower = settingName.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(lower::contains);
  }

  @Override
  public String toString() {
    StringJoiner props = new StringJoiner(", ", "{", "}");
    clientProperties.forEach((k, v) -> props.add(k + "=" + (isSecret(k) ? "(hidden)" : v)));
    return "KafkaConnection[bootstrapServers="
        + bootstrapServers
        + ", clientId="
        + clientId
        + ", connectTimeout="
        + connectTimeout
        + ", clientProperties="
        + props
        + "]";
  }

  /** A builder for code that has no file; {@code connectTimeout} defaults to 60 s. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private List<String> bootstrapServers = List.of();
    private String clientId;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private final Map<String, String> clientProperties = new LinkedHashMap<>();

    private Builder() {}

    public Builder bootstrapServers(List<String> servers) {
      this.bootstrapServers = List.copyOf(servers);
      return this;
    }

    /** Comma and/or blank separated {@code host:port} list, as in the file. */
    public Builder hosts(String hosts) {
      return bootstrapServers(splitHosts(hosts));
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Adds one pass-through Kafka setting (name without the {@code kafka.} prefix). */
    public Builder clientProperty(String name, String value) {
      clientProperties.put(name, value);
      return this;
    }

    /**
     * @throws ConfigException when a value is invalid
     */
    public KafkaConnection build() {
      return new KafkaConnection(bootstrapServers, clientId, connectTimeout, clientProperties);
    }
  }
}
