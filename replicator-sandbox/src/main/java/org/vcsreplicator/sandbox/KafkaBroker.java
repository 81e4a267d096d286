package org.vcsreplicator.sandbox;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (KRaft, one node acting as broker and controller) inside the sandbox JVM,
 * listening on loopback on a port it picks, with its log under the data directory (kept after
 * {@link #close()} for inspection).
 *
 * <p>Started through Kafka's {@code KafkaClusterTestKit}, a normal (non-test) jar, with the
 * settings a one-node cluster needs: internal topics with replication factor 1 (without it
 * consumer groups never get a coordinator), group joins and commits not delayed, and no
 * auto-created topics (as in production, writing to a missing topic must fail).
 *
 * <p>Not thread-safe; the sandbox starts and closes it from one thread.
 */
final class KafkaBroker implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final KafkaClusterTestKit cluster;
  private final Admin admin;

  private KafkaBroker(KafkaClusterTestKit cluster, Admin admin) {
    this.cluster = cluster;
    this.admin = admin;
  }

  /** Formats {@code logDir} and starts the broker; returns once it accepts clients. */
  static KafkaBroker start(Path logDir) throws Exception {
    Files.createDirectories(logDir);
    Map<String, String> props = new LinkedHashMap<>();
    props.put("offsets.topic.replication.factor", "1");
    props.put("offsets.topic.num.partitions", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("transaction.state.log.num.partitions", "1");
    props.put("share.coordinator.state.topic.replication.factor", "1");
    props.put("share.coordinator.state.topic.min.isr", "1");
    props.put("group.coordinator.append.linger.ms", "0");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true)
        .setNumBrokerNodes(1)
        .setNumControllerNodes(1)
        .setBaseDirectory(logDir)
        .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
        .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(false);
    props.forEach(builder::setConfigProp);
    KafkaClusterTestKit kit = builder.build();
    try {
      formatQuietly(kit);
      kit.startup();
      kit.waitForReadyBrokers();
      Admin admin = Admin.create(Map.of(
          AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers(),
          AdminClientConfig.CLIENT_ID_CONFIG, "sandbox-admin"));
      return new KafkaBroker(kit, admin);
    } catch (Exception | Error e) {
      try {
        kit.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  // Formatting prints "Formatting metadata directory ..." on System.out, which is the user's
  // console here; the progress output already says where the log is.
  private static void formatQuietly(KafkaClusterTestKit kit) throws Exception {
    PrintStream console = System.out;
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    try {
      kit.format();
    } finally {
      System.setOut(console);
    }
  }

  /** {@code host:port} clients connect to; never null. */
  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** The sandbox's admin client (closed with the broker). */
  Admin admin() {
    return admin;
  }

  /** Creates the topics ({@code name -> partitions}) and waits until every partition has a leader. */
  void createTopics(Map<String, Integer> topics) throws InterruptedException, ExecutionException, TimeoutException {
    List<NewTopic> newTopics = new ArrayList<>();
    topics.forEach((name, partitions) -> newTopics.add(new NewTopic(name, partitions, (short) 1)));
    admin.createTopics(newTopics).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!allLed(topics)) {
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException("topics " + topics.keySet() + " have no leader after " + TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(50); // poll interval of the leader check
    }
  }

  private boolean allLed(Map<String, Integer> topics) throws InterruptedException {
    try {
      Map<String, TopicDescription> d =
          admin.describeTopics(topics.keySet()).allTopicNames().get(5, TimeUnit.SECONDS);
      return topics.entrySet().stream().allMatch(t -> {
        TopicDescription td = d.get(t.getKey());
        return td != null && td.partitions().size() == t.getValue()
            && td.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
      });
    } catch (ExecutionException | TimeoutException e) {
      return false; // metadata not propagated yet
    }
  }

  @Override
  public void close() {
    try {
      admin.close(Duration.ofSeconds(5));
    } finally {
      try {
        cluster.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        throw new IllegalStateException("cannot stop the Kafka broker cleanly: " + e, e);
      }
    }
  }
}
