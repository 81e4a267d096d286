package org.vcsreplicator.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.BrokerState;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * One real Kafka broker (KRaft, combined broker + controller, one node) inside the test JVM.
 *
 * <p>As a JUnit 5 extension, register it on a <em>static</em> field so one broker serves the whole
 * test class:
 *
 * <pre>{@code @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();}</pre>
 *
 * It starts before the first test and closes after the last; before each test it restarts the
 * broker if an earlier test stopped it. Outside JUnit, {@link #start()} and {@link #close()} it
 * (it is {@link AutoCloseable}).
 *
 * <p>Settings fit a one-broker cluster: internal topics have replication factor 1, group joins and
 * commits are not delayed, and topics are <em>not</em> auto-created (as in production, where
 * writing to a missing topic must fail). Ports are chosen free by the test kit;
 * {@link #bootstrapServers()} does not change across {@link #stopBroker()} and
 * {@link #restartBroker()}, and the log survives a restart (measured: stop about 0.3 s, restart
 * about 1 s).
 *
 * <p>{@code NOT_ENOUGH_REPLICAS} cannot be provoked with one broker (measured on Kafka 4.1.2: a
 * topic with {@code min.insync.replicas=2} and replication factor 1 still accepts {@code acks=all}
 * writes). For broker outages use {@link #withBrokers(int)}: several brokers, each stopped and
 * restarted on its own ({@link #stopBroker(int)}, {@link #restartBroker(int)}), and topics with a
 * replication factor ({@link #createTopic(String, int, short, Map)}).
 *
 * <p>Thread-safe.
 */
public final class EmbeddedKafka implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** Bound for fixture operations (create topic, read all, restart); generous for a loaded CI box. */
  private static final Duration FIXTURE_TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger TOPIC_SEQUENCE = new AtomicInteger();

  private final Map<String, String> brokerProperties = new LinkedHashMap<>();
  private final int brokerCount;
  private KafkaClusterTestKit cluster;
  private Admin admin;
  /** Node ids of brokers stopped by {@link #stopBroker(int)} and not restarted. */
  private final java.util.Set<Integer> stopped = new java.util.TreeSet<>();
  /** host:port of each broker by node id, as bound at start (a restart binds the same port). */
  private final Map<Integer, String> addresses = new java.util.TreeMap<>();

  /** A broker with the default settings, not yet started. */
  public EmbeddedKafka() {
    this(1);
  }

  /**
   * A cluster of {@code brokers} brokers (node ids 0…N-1; node 0 also runs the KRaft controller,
   * which keeps running when its broker is stopped), not yet started. Topics still default to
   * replication factor 1: use {@link #createTopic(String, int, short, Map)} for replicated ones.
   */
  public static EmbeddedKafka withBrokers(int brokers) {
    return new EmbeddedKafka(brokers);
  }

  private EmbeddedKafka(int brokers) {
    if (brokers < 1) {
      throw new IllegalArgumentException("at least one broker, got " + brokers);
    }
    this.brokerCount = brokers;
    // Without rf 1 for the offsets topic, groups never get a coordinator (TECH-NOTES).
    brokerProperties.put("offsets.topic.replication.factor", "1");
    brokerProperties.put("offsets.topic.num.partitions", "1");
    brokerProperties.put("transaction.state.log.replication.factor", "1");
    brokerProperties.put("transaction.state.log.min.isr", "1");
    brokerProperties.put("transaction.state.log.num.partitions", "1");
    brokerProperties.put("share.coordinator.state.topic.replication.factor", "1");
    brokerProperties.put("share.coordinator.state.topic.min.isr", "1");
    brokerProperties.put("group.coordinator.append.linger.ms", "0");
    brokerProperties.put("group.initial.rebalance.delay.ms", "0");
    brokerProperties.put("auto.create.topics.enable", "false");
    // A restarted broker can register again only once the controller has expired the session of
    // its previous incarnation; the default 9 s session would make every restart take 9 s.
    brokerProperties.put("broker.session.timeout.ms", "2000");
    brokerProperties.put("broker.heartbeat.interval.ms", "200");
  }

  /** Sets a broker property; only before {@link #start()}. Returns this. */
  public synchronized EmbeddedKafka withBrokerProperty(String key, String value) {
    if (cluster != null) {
      throw new IllegalStateException("broker already started");
    }
    brokerProperties.put(key, value);
    return this;
  }

  /** Starts the broker and waits until it is ready; does nothing when already started. Returns this. */
  public synchronized EmbeddedKafka start() {
    if (cluster != null) {
      return this;
    }
    long t0 = System.nanoTime();
    KafkaClusterTestKit kit = null;
    try {
      TestKitNodes nodes = new TestKitNodes.Builder()
          .setCombined(true)
          .setNumBrokerNodes(brokerCount)
          .setNumControllerNodes(1)
          .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
          .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      brokerProperties.forEach(builder::setConfigProp);
      kit = builder.build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
    } catch (Exception e) {
      closeQuietly(kit);
      throw new IllegalStateException("cannot start the embedded Kafka broker: " + e, e);
    }
    cluster = kit;
    stopped.clear();
    addresses.clear();
    for (Map.Entry<Integer, BrokerServer> b : kit.brokers().entrySet()) {
      addresses.put(b.getKey(), "localhost:" + b.getValue().boundPort(kit.nodes().brokerListenerName()));
    }
    log.info("embedded Kafka started at {} in {} ms", bootstrapServers(), (System.nanoTime() - t0) / 1_000_000);
    return this;
  }

  /**
   * {@code host:port} of the broker (several brokers: comma-separated, in node id order); never
   * null. Stays the same across stop and restart.
   */
  public synchronized String bootstrapServers() {
    started();
    return String.join(",", addresses.values());
  }

  /** Client settings for this broker with the given client id; never null. */
  public KafkaClientConfig clientConfig(String clientId) {
    return KafkaClientConfig.of(bootstrapServers(), clientId);
  }

  /** Client settings for this broker with a generated client id; never null. */
  public KafkaClientConfig clientConfig() {
    return clientConfig("test-client-" + TOPIC_SEQUENCE.incrementAndGet());
  }

  /** A shared Admin client for this broker, closed with the fixture; never null. Do not close it. */
  public synchronized Admin admin() {
    started();
    if (admin == null) {
      Map<String, Object> props = new HashMap<>();
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
      props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
      admin = Admin.create(props);
    }
    return admin;
  }

  /** Creates a topic (replication factor 1) and waits until every partition has a leader. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /** Creates a topic with topic-level settings (e.g. {@code min.insync.replicas}) and waits for its leaders. */
  public void createTopic(String name, int partitions, Map<String, String> topicConfig) {
    createTopic(name, partitions, (short) 1, topicConfig);
  }

  /**
   * Creates a topic with this replication factor (at most the number of brokers) and topic-level
   * settings, and waits until every partition has a leader and all its replicas in sync.
   */
  public void createTopic(String name, int partitions, short replicationFactor, Map<String, String> topicConfig) {
    NewTopic topic = new NewTopic(name, partitions, replicationFactor).configs(topicConfig);
    await(admin().createTopics(List.of(topic)).all(), "create topic " + name);
    waitFor(() -> {
      Map<String, TopicDescription> d = admin().describeTopics(List.of(name)).allTopicNames().get(5, TimeUnit.SECONDS);
      List<TopicPartitionInfo> infos = d.get(name).partitions();
      return infos.size() == partitions && infos.stream().allMatch(i -> i.leader() != null && !i.leader().isEmpty()
          && i.isr().size() == replicationFactor);
    }, "every partition of " + name + " has a leader and " + replicationFactor + " in-sync replicas");
  }

  /** A topic name no other test of this JVM uses: {@code prefix-N}. Does not create it. */
  public String uniqueTopic(String prefix) {
    return prefix + "-" + TOPIC_SEQUENCE.incrementAndGet();
  }

  /** Creates a topic with a {@link #uniqueTopic} name and returns the name. */
  public String createUniqueTopic(String prefix, int partitions) {
    String name = uniqueTopic(prefix);
    createTopic(name, partitions);
    return name;
  }

  /** One record as stored in the log. */
  public record StoredRecord(RecordCoordinates coordinates, byte[] key, byte[] value) {
    public int partition() {
      return coordinates.partition();
    }

    public long offset() {
      return coordinates.offset();
    }

    /** The key as UTF-8 text; empty for a null key. */
    public Optional<String> keyString() {
      return Optional.ofNullable(key).map(k -> new String(k, StandardCharsets.UTF_8));
    }

    /** The decoded value; an {@link AssertionError} names the record when it does not decode. */
    public Message message() {
      try {
        return WireCodec.decode(value, coordinates);
      } catch (UndecodableRecordException e) {
        throw new AssertionError(e.getMessage(), e);
      }
    }
  }

  /**
   * Every record of {@code topic} from the beginning of each partition up to its end offset at the
   * time of the call, ordered by partition then offset. Joins no group and commits nothing.
   */
  public List<StoredRecord> readAll(String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "embedded-kafka-reader");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic, FIXTURE_TIMEOUT).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      if (partitions.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist");
      }
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, FIXTURE_TIMEOUT);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<StoredRecord> out = new ArrayList<>();
      long deadline = System.nanoTime() + FIXTURE_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, FIXTURE_TIMEOUT) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " up to " + end + " within " + FIXTURE_TIMEOUT);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
            out.add(new StoredRecord(new RecordCoordinates(r.topic(), r.partition(), r.offset()), r.key(), r.value()));
          }
        }
      }
      out.sort(Comparator.comparingInt(StoredRecord::partition).thenComparingLong(StoredRecord::offset));
      return out;
    }
  }

  /** {@code host:port} of broker {@code nodeId} (0…N-1); stays the same across stop and restart. */
  public synchronized String bootstrapServer(int nodeId) {
    started();
    String address = addresses.get(nodeId);
    if (address == null) {
      throw new IllegalArgumentException("no broker " + nodeId + "; brokers are 0.." + (brokerCount - 1));
    }
    return address;
  }

  /**
   * Stops every broker (a controlled shutdown); the controller keeps running. Clients then see
   * connection failures until {@link #restartBroker()}. Does nothing for brokers already stopped.
   */
  public synchronized void stopBroker() {
    for (int id = 0; id < brokerCount; id++) {
      stopBroker(id);
    }
  }

  /** Stops broker {@code nodeId} (a controlled shutdown: its partitions get other leaders where possible). */
  public synchronized void stopBroker(int nodeId) {
    bootstrapServer(nodeId);
    if (!stopped.add(nodeId)) {
      return;
    }
    long t0 = System.nanoTime();
    broker(nodeId).shutdown();
    log.info("embedded Kafka broker {} stopped in {} ms", nodeId, (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Starts every stopped broker again on its port, with its log as it was, and waits until each
   * runs, every partition has a leader, and each restarted broker is back in the in-sync replicas
   * of the partitions it holds. Does nothing when all run.
   */
  public synchronized void restartBroker() {
    for (int id : List.copyOf(stopped)) {
      restartBroker(id);
    }
  }

  /** {@link #restartBroker()} for broker {@code nodeId} alone. */
  public synchronized void restartBroker(int nodeId) {
    bootstrapServer(nodeId);
    if (!stopped.contains(nodeId)) {
      return;
    }
    long t0 = System.nanoTime();
    BrokerServer broker = broker(nodeId);
    broker.startup();
    waitFor(() -> broker.brokerState() == BrokerState.RUNNING, "broker " + nodeId + " is RUNNING again");
    stopped.remove(nodeId);
    waitFor(() -> {
      for (TopicDescription d : admin().describeTopics(admin().listTopics().names().get(5, TimeUnit.SECONDS))
          .allTopicNames().get(5, TimeUnit.SECONDS).values()) {
        for (TopicPartitionInfo i : d.partitions()) {
          if (i.leader() == null || i.leader().isEmpty()) {
            return false;
          }
          boolean holds = i.replicas().stream().anyMatch(n -> n.id() == nodeId);
          if (holds && i.isr().stream().noneMatch(n -> n.id() == nodeId)) {
            return false;
          }
        }
      }
      return true;
    }, "every partition has a leader and broker " + nodeId + " is in sync again");
    log.info("embedded Kafka broker {} restarted in {} ms", nodeId, (System.nanoTime() - t0) / 1_000_000);
  }

  /** True unless some broker was stopped and not restarted. */
  public synchronized boolean isBrokerRunning() {
    return cluster != null && stopped.isEmpty();
  }

  private BrokerServer broker(int nodeId) {
    BrokerServer broker = started().brokers().get(nodeId);
    if (broker == null) {
      throw new IllegalArgumentException("no broker " + nodeId);
    }
    return broker;
  }

  private KafkaClusterTestKit started() {
    if (cluster == null) {
      throw new IllegalStateException("embedded Kafka not started");
    }
    return cluster;
  }

  @Override
  public synchronized void close() {
    if (cluster == null) {
      return;
    }
    long t0 = System.nanoTime();
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
      admin = null;
    }
    closeQuietly(cluster);
    cluster = null;
    stopped.clear();
    addresses.clear();
    log.info("embedded Kafka closed in {} ms", (System.nanoTime() - t0) / 1_000_000);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
    restartBroker();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private static void closeQuietly(KafkaClusterTestKit kit) {
    if (kit == null) {
      return;
    }
    try {
      kit.close();
    } catch (Exception e) {
      log.warn("closing the embedded Kafka cluster failed", e);
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  /** Polls {@code condition} until it holds or {@link #FIXTURE_TIMEOUT} passes. */
  private static void waitFor(Condition condition, String what) {
    long deadline = System.nanoTime() + FIXTURE_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.holds()) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting until " + what, e);
      } catch (Exception e) {
        last = e;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting until " + what, e);
      }
    }
    throw new IllegalStateException("timed out after " + FIXTURE_TIMEOUT + " waiting until " + what, last);
  }

  private static <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(FIXTURE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka[" + (cluster == null ? "not started" : String.join(",", addresses.values())) + "]";
  }
}
