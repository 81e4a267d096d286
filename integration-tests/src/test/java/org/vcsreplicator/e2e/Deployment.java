package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.vcsreplicator.aggregator.Aggregator;
import org.vcsreplicator.aggregator.AggregatorDaemon;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.NotifierSettings;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.PartitionLag;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.pulse.AmqpBrokerFixture;
import org.vcsreplicator.pulse.PulseNotifier;

/**
 * A whole replication system on this machine, laid out as SPEC §1 draws it and configured with
 * the INI files an operator writes ({@code examples/}): the producer topic ({@value #PARTITIONS}
 * partitions), the master with its producer daemon, mirrors with their mirror and heads consumers,
 * the two chained aggregators ({@code pushdata → pending → replicatedpushdata}, both watching the
 * mirrors' groups) and the Pulse notifier publishing to a real AMQP broker, with a queue bound to
 * its v2 exchange ({@link Notifications}).
 *
 * <p>The tests choose how the mirror consumers run (threads or processes, one per partition or
 * one for all); everything started through {@link #track} is stopped by {@link #close()}.
 */
final class Deployment implements AutoCloseable {
  static final int PARTITIONS = 8;
  /** Users' repositories share partition 6 (as on hg.mozilla.org); the rest spread over the others. */
  static final List<String> PARTITION_MAP = List.of(
      "partitionmap.0users = 6:\\{moz\\}\\/users\\/.*",
      "partitionmap.1main = 0,1,2,3,4,5,7:.*");
  static final String PENDING_ACK_GROUP = "pushdataaggregator-pending";
  static final String ACK_GROUP = "pushdataaggregator";
  static final String NOTIFIER_GROUP = "pulsenotifier";

  final EmbeddedKafka kafka;
  final AmqpBrokerFixture amqp;
  final Path dir;
  final String topic;
  final String pendingTopic;
  final String aggregateTopic;
  final Master master;
  final List<Mirror> mirrors = new ArrayList<>();
  final Path groupsFile;
  final Path pendingAggregatorConfig;
  final Path aggregatorConfig;
  final Path notifierConfig;
  final Notifications notifications;
  private final List<AutoCloseable> tracked = new CopyOnWriteArrayList<>();
  private Daemon notifier;

  Deployment(EmbeddedKafka kafka, AmqpBrokerFixture amqp, Path dir, List<String> mirrorNames) {
    this.kafka = kafka;
    this.amqp = amqp;
    this.dir = dir;
    topic = kafka.createUniqueTopic("pushdata", PARTITIONS);
    pendingTopic = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    aggregateTopic = kafka.createUniqueTopic("replicatedpushdata", 1);
    String hosts = kafka.bootstrapServers();
    master = new Master(dir.resolve("master"), hosts, topic, PARTITION_MAP);
    for (String name : mirrorNames) {
      mirrors.add(new Mirror(dir.resolve(name), name, hosts, topic, pendingTopic, master.root));
    }
    String v1 = amqp.uniqueName("exchange/hgpushes/v1");
    String v2 = amqp.uniqueName("exchange/hgpushes/v2");
    notifications = new Notifications(amqp, amqp.bindQueue(v2, "#"));
    try {
      groupsFile = dir.resolve("master/pushdataaggregator_groups");
      Files.writeString(groupsFile, String.join("\n", mirrorNames) + "\n");
      pendingAggregatorConfig = aggregatorConfig("pushdataaggregator-pending.ini", topic, PENDING_ACK_GROUP,
          pendingTopic);
      aggregatorConfig = aggregatorConfig("pushdataaggregator.ini", pendingTopic, ACK_GROUP, aggregateTopic);
      notifierConfig = dir.resolve("master/notifications.ini");
      Files.writeString(notifierConfig, String.join("\n",
          "[programs]",
          "hg = " + master.hgExecutable,
          "",
          "[pulseconsumer]",
          "hosts = " + hosts,
          "client_id = pulsenotifier",
          "topic = " + aggregateTopic,
          "group = " + NOTIFIER_GROUP,
          "poll_timeout = 0.1",
          "retry_max_retries = 3",
          "retry_base_delay = 0.2",
          "",
          "[path_rewrites]",
          "{moz}/ = " + master.root + "/",
          "",
          "[public_url_rewrites]",
          "{moz}/ = " + Master.PUBLIC_URL,
          "",
          "[pulse]",
          "hostname = " + amqp.host(),
          "port = " + amqp.port(),
          "ssl = false",
          "connect_timeout = 5",
          "userid = " + amqp.user(),
          "password = " + amqp.password(),
          "virtual_host = " + amqp.virtualHost(),
          "exchange = " + v1,
          "exchange2 = " + v2,
          "routing_key_strip_prefix = " + Master.PUBLIC_URL,
          ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path aggregatorConfig(String file, String monitor, String ackGroup, String aggregate) throws IOException {
    Path config = dir.resolve("master").resolve(file);
    Files.writeString(config, String.join("\n",
        "[aggregator]",
        "hosts = " + kafka.bootstrapServers(),
        "client_id = " + ackGroup,
        "connect_timeout = 10",
        "monitor_topic = " + monitor,
        "monitor_groups_file = " + groupsFile,
        "ack_group = " + ackGroup,
        "aggregate_topic = " + aggregate,
        ""));
    return config;
  }

  Mirror mirror(int i) {
    return mirrors.get(i);
  }

  /** Registers something {@link #close()} stops; returns it. */
  <T extends AutoCloseable> T track(T daemon) {
    tracked.add(daemon);
    return daemon;
  }

  /** The producer daemon, both aggregators and the notifier, supervised ({@code Restart=always}). */
  void startMaster() {
    master.startProducer();
    track(startAggregator("aggregator-pending", pendingAggregatorConfig));
    track(startAggregator("aggregator", aggregatorConfig));
    notifier = track(Daemon.start("pulse-notifier", Daemon.Restart.ALWAYS, () -> {
      PulseNotifier n = PulseNotifier.open(NotifierSettings.from(IniFile.load(notifierConfig)), OptionalLong.empty(),
          Clock.systemUTC());
      return new Daemon.Instance() {
        @Override
        public int run() {
          return n.run();
        }

        @Override
        public void stop() {
          n.stop();
        }

        @Override
        public void close() {
          n.close();
        }
      };
    }));
  }

  /** The notifier daemon (after {@link #startMaster()}). */
  Daemon notifier() {
    return notifier;
  }

  private static Daemon startAggregator(String name, Path config) {
    return Daemon.start(name, Daemon.Restart.ALWAYS, () -> {
      AggregatorSettings settings = AggregatorSettings.from(IniFile.load(config));
      Aggregator aggregator = Aggregator.create(settings, Duration.ofSeconds(30), Clock.systemUTC());
      // A short poll interval instead of the original's 1 s, so events do not wait a second per stage.
      AggregatorDaemon daemon = new AggregatorDaemon(aggregator, new AggregatorDaemon.Options(Integer.MAX_VALUE, false,
          Duration.ofMillis(100), new RetrySettings(3, Duration.ofMillis(200))));
      return new Daemon.Instance() {
        @Override
        public int run() {
          return daemon.run();
        }

        @Override
        public void stop() {
          daemon.requestStop();
        }

        @Override
        public void close() {
          aggregator.close();
        }
      };
    });
  }

  /** Every mirror's heads consumer, supervised. */
  void startHeadsConsumers() {
    for (Mirror m : mirrors) {
      track(m.startHeadsConsumer(Daemon.Restart.ALWAYS));
    }
  }

  /** Mirror groups: every mirror's name (the mirror consumer and the heads consumer use it). */
  List<String> mirrorGroups() {
    return mirrors.stream().map(m -> m.name).toList();
  }

  /**
   * Where every group stands, in pipeline order: the mirrors and the first aggregator on the
   * producer topic, the heads consumers and the second aggregator on the pending topic, the
   * notifier on the aggregated topic.
   */
  List<PartitionLag> lag() throws ReplicationLogUnavailableException {
    try (OffsetsAdmin admin = new OffsetsAdmin(kafka.clientConfig("e2e-lag"), Duration.ofSeconds(10),
        Clock.systemUTC())) {
      List<PartitionLag> all = new ArrayList<>();
      List<String> first = new ArrayList<>(mirrorGroups());
      first.add(PENDING_ACK_GROUP);
      all.addAll(admin.lag(first, topic));
      List<String> second = new ArrayList<>(mirrorGroups());
      second.add(ACK_GROUP);
      all.addAll(admin.lag(second, pendingTopic));
      all.addAll(admin.lag(NOTIFIER_GROUP, aggregateTopic));
      return all;
    }
  }

  /**
   * Waits until every mirror's consumer group has applied everything written to the producer
   * topic before this call (later writes may still be pending).
   */
  void awaitMirrorsCaughtUp(Duration timeout) {
    try (OffsetsAdmin admin = new OffsetsAdmin(kafka.clientConfig("e2e-catch-up"), Duration.ofSeconds(10),
        Clock.systemUTC())) {
      java.util.SortedMap<Integer, org.vcsreplicator.kafka.PartitionOffsets> ends = admin.logOffsets(topic);
      Await.until(timeout, "every mirror applied the producer topic up to " + ends.values(), () -> {
        for (String group : mirrorGroups()) {
          java.util.SortedMap<Integer, Long> committed = admin.committedOffsets(group, topic);
          for (org.vcsreplicator.kafka.PartitionOffsets end : ends.values()) {
            if (committed.getOrDefault(end.partition(), end.beginningOffset()) < end.endOffset()) {
              return false;
            }
          }
        }
        return true;
      });
    } catch (ReplicationLogUnavailableException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The lag entries that are not in sync; empty when every group has applied everything. */
  List<PartitionLag> behind() throws ReplicationLogUnavailableException {
    return lag().stream().filter(l -> !l.isInSync()).toList();
  }

  /**
   * Waits until every group of the pipeline has no lag, twice in a row (an event moves only
   * downstream, and the groups are read upstream first, so an event in flight is always seen).
   */
  void awaitNoLag(Duration timeout) {
    int[] quiet = {0};
    List<List<PartitionLag>> last = new ArrayList<>(List.of(List.of()));
    try {
      Await.until(timeout, "every consumer group of the pipeline has no lag", () -> {
        List<PartitionLag> behind = behind();
        last.set(0, behind);
        quiet[0] = behind.isEmpty() ? quiet[0] + 1 : 0;
        return quiet[0] >= 2;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; behind: " + last.get(0), e);
    }
  }

  @Override
  public void close() {
    List<AutoCloseable> reversed = new ArrayList<>(tracked);
    java.util.Collections.reverse(reversed);
    // Consumers first (tracked last), master daemons after.
    reversed.parallelStream().forEach(Deployment::closeQuietly);
    master.close();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      org.slf4j.LoggerFactory.getLogger(Deployment.class).warn("closing {}: {}", c, e.toString());
    }
  }
}
