package org.vcsreplicator.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.routing.PartitionMap;
import org.vcsreplicator.routing.ProducerPathRewrites;

/**
 * What the producer on the master needs: {@code [replicationproducer]} and {@code
 * [replicationpathrewrites]}.
 *
 * <table>
 *   <caption>Options of [replicationproducer]</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code hosts}</td><td>required</td><td>Kafka brokers, comma separated</td></tr>
 *   <tr><td>{@code clientid}</td><td>required</td><td>Kafka client id</td></tr>
 *   <tr><td>{@code topic}</td><td>required</td><td>topic written to</td></tr>
 *   <tr><td>{@code partitionmap.KEY}</td><td>at least one</td><td>see {@link PartitionMap}</td></tr>
 *   <tr><td>{@code reqacks}</td><td>required</td><td>-1 (all in-sync replicas), 0 or 1</td></tr>
 *   <tr><td>{@code acktimeout}</td><td>required</td><td>milliseconds to wait for acks,
 *       positive</td></tr>
 *   <tr><td>{@code connecttimeout}</td><td>10</td><td>seconds to reach Kafka</td></tr>
 *   <tr><td>{@code kafka.*}</td><td></td><td>see {@link KafkaConnection}</td></tr>
 * </table>
 *
 * <p>Problems are reported in the original's order and words ({@link ConfigException#detail()}),
 * e.g. {@code replicationproducer.reqacks must be set to -1, 0, or 1}.
 *
 * @param kafka never null
 * @param topic never blank
 * @param partitionMap never null
 * @param requiredAcks -1, 0 or 1 (Kafka's {@code acks}; -1 is {@code all})
 * @param ackTimeout how long the broker may take to acknowledge, positive
 * @param pathRewrites local path to wire path, never null
 */
public record ProducerSettings(
    KafkaConnection kafka,
    String topic,
    PartitionMap partitionMap,
    int requiredAcks,
    Duration ackTimeout,
    ProducerPathRewrites pathRewrites) {

  public static final String SECTION = "replicationproducer";
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * @throws ConfigException (without file) when a value is invalid
   */
  public ProducerSettings {
    if (kafka == null) {
      throw notSet("hosts");
    }
    if (topic == null || topic.isBlank()) {
      throw notSet("topic");
    }
    if (partitionMap == null) {
      throw new ConfigException(
          null, SECTION, "partitionmap.*", SECTION + ".partitionmap.* config options not set");
    }
    if (requiredAcks < -1 || requiredAcks > 1) {
      throw badReqacks();
    }
    if (ackTimeout == null || ackTimeout.isZero()) {
      throw notSet("acktimeout");
    }
    if (ackTimeout.isNegative()) {
      throw new ConfigException(
          null, SECTION, "acktimeout", SECTION + ".acktimeout must be a positive number of ms");
    }
    Objects.requireNonNull(pathRewrites, "pathRewrites");
  }

  private static ConfigException notSet(String key) {
    return new ConfigException(null, SECTION, key, SECTION + "." + key + " config option not set");
  }

  private static ConfigException badReqacks() {
    return new ConfigException(
        null, SECTION, "reqacks", SECTION + ".reqacks must be set to -1, 0, or 1");
  }

  /**
   * Reads {@code [replicationproducer]} and {@code [replicationpathrewrites]}.
   *
   * @throws ConfigException naming file, section and key, with the original's message as {@link
   *     ConfigException#detail()}
   */
  public static ProducerSettings from(IniFile ini) {
    SectionReader r = new SectionReader(ini, SECTION);
    String source = ini.source();
    try {
      List<String> hosts = KafkaConnection.splitHosts(r.optional("hosts").orElse(""));
      if (hosts.isEmpty()) {
        throw notSet("hosts");
      }
      String clientId = r.optional("clientid").filter(v -> !v.isEmpty()).orElse(null);
      if (clientId == null) {
        throw notSet("clientid");
      }
      Duration connectTimeout = r.seconds("connecttimeout", DEFAULT_CONNECT_TIMEOUT);
      String topic = r.optional("topic").filter(v -> !v.isEmpty()).orElse(null);
      if (topic == null) {
        throw notSet("topic");
      }
      PartitionMap partitionMap = RoutingSections.partitionMap(ini, SECTION);
      int reqacks = hgInt(r, "reqacks").orElseThrow(ProducerSettings::badReqacks);
      int acktimeout = hgInt(r, "acktimeout").orElse(0);
      KafkaConnection kafka = KafkaConnection.create(r, hosts, clientId, connectTimeout);
      return new ProducerSettings(
          kafka,
          topic,
          partitionMap,
          reqacks,
          Duration.ofMillis(acktimeout),
          RoutingSections.producerPathRewrites(ini));
    } catch (ConfigException e) {
      throw e.locatedIn(source, SECTION);
    }
  }

  /** Mercurial's {@code configint}: absent is empty, a non-integer is an error in its words. */
  private static Optional<Integer> hgInt(SectionReader r, String key) {
    Optional<String> value = r.optional(key);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(value.get().strip()));
    } catch (NumberFormatException e) {
      throw r.error(
          key, SECTION + "." + key + " is not a valid integer ('" + value.get() + "')");
    }
  }

  /** A builder for code without a file; {@code requiredAcks} defaults to -1. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private KafkaConnection kafka;
    private String topic;
    private PartitionMap partitionMap;
    private int requiredAcks = -1;
    private Duration ackTimeout;
    private ProducerPathRewrites pathRewrites = ProducerPathRewrites.none();

    private Builder() {}

    public Builder kafka(KafkaConnection kafka) {
      this.kafka = kafka;
      return this;
    }

    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    public Builder partitionMap(PartitionMap partitionMap) {
      this.partitionMap = partitionMap;
      return this;
    }

    public Builder requiredAcks(int requiredAcks) {
      this.requiredAcks = requiredAcks;
      return this;
    }

    public Builder ackTimeout(Duration ackTimeout) {
      this.ackTimeout = ackTimeout;
      return this;
    }

    public Builder pathRewrites(ProducerPathRewrites pathRewrites) {
      this.pathRewrites = pathRewrites;
      return this;
    }

    /**
     * @throws ConfigException when a value is invalid or a required one is missing
     */
    public ProducerSettings build() {
      return new ProducerSettings(
          kafka, topic, partitionMap, requiredAcks, ackTimeout, pathRewrites);
    }
  }
}
