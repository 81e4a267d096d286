package org.vcsreplicator.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explains, in Kafka's error names, why writes to a topic were not acknowledged in time, by asking
 * the cluster about the topic's partitions: no leader ({@code LEADER_NOT_AVAILABLE}) or fewer
 * in-sync replicas than {@code min.insync.replicas} ({@code NOT_ENOUGH_REPLICAS}).
 *
 * <p>Why: the producer retries such errors until its delivery timeout and then reports only
 * "Expiring 1 record(s) … ms has passed since batch creation", which tells an operator at 3 a.m.
 * nothing; the original (no retries) printed {@code NOT_ENOUGH_REPLICAS}
 * (test-cluster-unavailable.t).
 *
 * <p>Best effort and bounded: any failure to ask (brokers unreachable) gives an empty answer within
 * the timeout. Thread-safe; the Admin client is created on first use and closed by {@link #close()}.
 */
final class WriteFailureDiagnosis implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteFailureDiagnosis.class);

  private final Map<String, Object> adminProperties;
  private final Duration timeout;
  private Admin admin; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param clientProperties the producer's connection settings (bootstrap servers, TLS, SASL)
   * @param timeout the longest one explanation may take
   */
  WriteFailureDiagnosis(Map<String, Object> clientProperties, Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    Map<String, Object> props = new java.util.HashMap<>(clientProperties);
    Object clientId = props.get(AdminClientConfig.CLIENT_ID_CONFIG);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, (clientId == null ? "vcsreplicator" : clientId) + "-diagnosis");
    int ms = (int) Math.max(1, timeout.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    this.adminProperties = Map.copyOf(props);
  }

  /**
   * Why writes to each partition of {@code topic} cannot be acknowledged now, e.g. {@code
   * NOT_ENOUGH_REPLICAS: partition 0 has 1 in-sync replica(s) (brokers [2]) of 3, min.insync.replicas
   * is 2}. Partitions that look writable are absent.
   *
   * @return by partition; empty when the cluster cannot be asked or every partition looks fine
   */
  Map<Integer, String> explain(String topic) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Admin a = admin();
      if (a == null) {
        return Map.of();
      }
      TopicDescription description = a.describeTopics(List.of(topic)).allTopicNames()
          .get(remaining(deadline), TimeUnit.NANOSECONDS).get(topic);
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config = a.describeConfigs(List.of(resource)).all().get(remaining(deadline), TimeUnit.NANOSECONDS)
          .get(resource);
      ConfigEntry entry = config == null ? null : config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
      int minInSync = entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
      Map<Integer, String> reasons = new TreeMap<>();
      for (TopicPartitionInfo p : description.partitions()) {
        if (p.leader() == null || p.leader().isEmpty()) {
          reasons.put(p.partition(), "LEADER_NOT_AVAILABLE: partition " + p.partition() + " has no leader (replicas on brokers "
              + ids(p.replicas()) + ")");
        } else if (p.isr().size() < minInSync) {
          reasons.put(p.partition(), "NOT_ENOUGH_REPLICAS: partition " + p.partition() + " has " + p.isr().size()
              + " in-sync replica(s) (brokers " + ids(p.isr()) + ") of " + p.replicas().size()
              + ", min.insync.replicas is " + minInSync);
        }
      }
      return reasons;
    } catch (ExecutionException | TimeoutException | KafkaException | NumberFormatException e) {
      log.debug("cannot explain the write failures on topic {}: {}", topic, e.toString());
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static List<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).sorted().toList();
  }

  private synchronized Admin admin() {
    if (closed) {
      return null;
    }
    if (admin == null) {
      admin = Admin.create(adminProperties);
    }
    return admin;
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
      admin = null;
    }
  }
}
