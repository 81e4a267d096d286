package org.vcsreplicator.consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.KafkaConnection;
import org.vcsreplicator.config.RetrySettings;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.ReplicationRules;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * One test's world: a master root with repositories made by plain hg commands, a mirror root the
 * consumer writes into, a {@code todelete} directory, a fresh topic (8 partitions) and group on
 * the shared broker, and a consumer run the way the daemon runs, on its own thread.
 */
final class MirrorHarness implements AutoCloseable {
  static final String HG = "/usr/bin/hg";
  static final String USER = "--config=ui.username=test";
  static final Duration DEADLINE = Duration.ofSeconds(60);

  final EmbeddedKafka kafka;
  final Hg hg;
  final Path base;
  final Path masterRoot;
  final Path mirrorRoot;
  final Path todelete;
  final String topic;
  final String group;
  private final EventProducer producer;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  MirrorHarness(EmbeddedKafka kafka, Hg hg, Path base) throws IOException {
    this(kafka, hg, base, "pushdata", 8);
  }

  /** With a topic of another name and size, e.g. the heads consumer's single-partition pending topic. */
  MirrorHarness(EmbeddedKafka kafka, Hg hg, Path base, String topicPrefix, int partitions) throws IOException {
    this.kafka = kafka;
    this.hg = hg;
    this.base = base;
    this.masterRoot = Files.createDirectories(base.resolve("master"));
    this.mirrorRoot = Files.createDirectories(base.resolve("mirror"));
    this.todelete = base.resolve("todelete");
    this.topic = kafka.createUniqueTopic(topicPrefix, partitions);
    this.group = "mirror-" + topic;
    this.producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30), Clock.systemUTC());
  }

  ConsumerSettings.Builder settings() {
    return ConsumerSettings.builder()
        .kafka(KafkaConnection.builder().hosts(kafka.bootstrapServers()).clientId("mirror").build())
        .topic(topic)
        .group(group)
        .pollTimeout(Duration.ofMillis(50))
        .todeletePath(todelete)
        .retry(new RetrySettings(0, Duration.ZERO))
        .hgPath(HG)
        .pathRewrites(new PathRewrites(List.of(new PrefixRewrite("{moz}", mirrorRoot.toString()))))
        .pullUrlRewrites(new UrlRewrites(List.of(new PrefixRewrite("{moz}", masterRoot.toString()))))
        .replicationRules(ReplicationRules.none());
  }

  // ------------------------------------------------------------------------------ Kafka side

  long send(int partition, Event event) throws Exception {
    return producer.send(topic, partition, event).offset();
  }

  /** The group's committed offset of a partition, or -1 when it has none. */
  long committed(int partition) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
    OffsetAndMetadata o = offsets.get(new TopicPartition(topic, partition));
    return o == null ? -1 : o.offset();
  }

  /** A consumer daemon running on its own thread. */
  final class Running implements AutoCloseable {
    final ConsumeSession session;
    final Future<MirrorConsumer.Result> result;

    Running(ConsumeSession session, Future<MirrorConsumer.Result> result) {
      this.session = session;
      this.result = result;
    }

    /** Waits until the group has committed {@code offset} on {@code partition}, or the run ended. */
    Running awaitCommitted(int partition, long offset) throws Exception {
      await(() -> result.isDone() || committedQuietly(partition) >= offset,
          "offset " + offset + " committed on partition " + partition);
      if (result.isDone() && committedQuietly(partition) < offset) {
        fail("consumer ended with " + result.get() + " before committing offset " + offset + " of partition "
            + partition + " (committed " + committedQuietly(partition) + ")");
      }
      return this;
    }

    MirrorConsumer.Result stop() throws Exception {
      session.stop();
      return join();
    }

    MirrorConsumer.Result join() throws Exception {
      return result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      session.stop();
      try {
        result.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException | java.util.concurrent.TimeoutException ignored) {
        // reported by the test that looked at the result
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  Running start(ConsumerSettings settings, Optional<Integer> partition) {
    return start(ConsumeSession.open(settings, "mirror.ini"), partition);
  }

  /** A heads consumer daemon (all partitions) running on its own thread. */
  Running startHeads(ConsumerSettings settings) {
    return start(ConsumeSession.openHeads(settings, "pending.ini"), Optional.empty());
  }

  private Running start(ConsumeSession session, Optional<Integer> partition) {
    ConsumerSettings settings = session.settings();
    Future<MirrorConsumer.Result> result = threads.submit(() -> {
      try (session) {
        return session.consume(new MirrorConsumer.Options(partition, OptionalLong.empty(), false, settings.pollTimeout()));
      }
    });
    return new Running(session, result);
  }

  Running start() {
    return start(settings().build(), Optional.empty());
  }

  /** Runs a consumer until the group has committed {@code offset} on {@code partition}, then stops it. */
  void drain(int partition, long offset) throws Exception {
    drain(settings().build(), partition, offset);
  }

  void drain(ConsumerSettings settings, int partition, long offset) throws Exception {
    try (Running running = start(settings, Optional.empty())) {
      running.awaitCommitted(partition, offset);
      MirrorConsumer.Result result = running.stop();
      if (result != MirrorConsumer.Result.STOPPED) {
        fail("consumer ended with " + result);
      }
    }
  }

  /** Runs a consumer that is expected to stop by itself with a permanent failure. */
  MirrorConsumer.Result runUntilFailure() throws Exception {
    try (Running running = start()) {
      return running.join();
    }
  }

  private long committedQuietly(int partition) {
    try {
      return committed(partition);
    } catch (Exception e) {
      return -1;
    }
  }

  // -------------------------------------------------------------------------------- hg side

  HgResult hgOk(Path repo, String... args) throws HgUnavailableException {
    HgResult r = hg.run(repo, args);
    assertTrue(r.succeeded(), () -> r.transcript(HG));
    return r;
  }

  /** A new master repository {@code master/NAME} with one commit per message. */
  Path masterRepo(String name, String... messages) throws Exception {
    Path repo = masterRoot.resolve(name);
    hgOk(null, "init", repo.toString());
    for (String message : messages) {
      commit(repo, message);
    }
    return repo;
  }

  NodeId commit(Path repo, String message) throws Exception {
    Files.writeString(repo.resolve("file"), message + "\n");
    hgOk(repo, "commit", "-A", "-m", message, USER);
    return tip(repo);
  }

  NodeId tip(Path repo) throws HgUnavailableException {
    return NodeId.of(hgOk(repo, "log", "-r", "tip", "-T", "{node}").stdout());
  }

  /** {@code rev:node} of every changeset, the original's way to compare master and mirror. */
  String history(Path repo) throws HgUnavailableException {
    return hgOk(repo, "log", "--hidden", "-T", "{rev}:{node}\n").stdout();
  }

  String bookmarks(Path repo) throws HgUnavailableException {
    return hgOk(repo, "bookmarks", "-T", "{bookmark} {rev}:{node|short}\n").stdout();
  }

  String requirements(Path repo) throws HgUnavailableException {
    return hgOk(repo, "debugrequires").stdout();
  }

  Path mirror(String name) {
    return mirrorRoot.resolve(name);
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out after " + DEADLINE.toSeconds() + "s waiting for: " + what);
      }
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    producer.close();
    threads.shutdownNow();
  }
}
