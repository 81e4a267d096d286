package org.vcsreplicator.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.ProcessHg;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.producer.MasterHgrc;

/**
 * The whole replication system on loopback in one JVM: a Kafka broker, the topics, the master
 * (producer daemon + hooks + hg serve), two mirrors (consumer + heads consumer each), the two
 * chained aggregators, the Pulse notifier and an AMQP broker; then the {@link Demo}. Every part
 * reads its own INI file in the data directory, as the real daemon would.
 *
 * <p>Parts run as threads of this JVM through the same library calls the {@code bin/vcsreplicator}
 * subcommands make, so one Ctrl-C stops everything cleanly.
 *
 * <p>Not thread-safe: {@link #start()} and {@link #close()} from one thread (close may come from
 * a shutdown hook, after start returned).
 */
final class Sandbox implements AutoCloseable {
  static final String TOPIC = "pushdata";
  static final String PENDING_TOPIC = "replicatedpushdatapending";
  static final String FINAL_TOPIC = "replicatedpushdata";
  static final int PARTITIONS = 8;
  static final List<String> MIRRORS = List.of("mirror1", "mirror2");
  static final String EXCHANGE_V1 = "exchange/hgpushes/v1";
  static final String EXCHANGE_V2 = "exchange/hgpushes/v2";
  /** Topic name to partition count, in the order records flow through them. */
  static final Map<String, Integer> TOPICS = topics();

  private static Map<String, Integer> topics() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(TOPIC, PARTITIONS);
    m.put(PENDING_TOPIC, 1);
    m.put(FINAL_TOPIC, 1);
    return Collections.unmodifiableMap(m);
  }

  /**
   * @param dataDir where everything goes (made absolute here)
   * @param once run the demo and stop
   * @param timeout how long the demo waits for each expectation
   * @param hookModule the producer's hg hook module
   * @param tryRabbitMq use a RabbitMQ on 127.0.0.1:5672 when one answers
   */
  record Options(Path dataDir, boolean once, Duration timeout, Path hookModule, boolean tryRabbitMq) {
    Options {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(timeout, "timeout");
      Objects.requireNonNull(hookModule, "hookModule");
    }
  }

  /** What a start produced: the demo's checks and where to push more. */
  record Outcome(List<Demo.Check> checks, List<String> failedParts, Demo demo, Path dataDir) {
    boolean allSeen() {
      return failedParts.isEmpty() && checks.stream().allMatch(Demo.Check::seen);
    }
  }

  private final Options options;
  private final Progress progress;
  private final Clock clock;
  private final Deque<AutoCloseable> opened = new ArrayDeque<>();
  private final List<Daemon> daemons = new ArrayList<>();
  private final List<Mirror> mirrors = new ArrayList<>();
  private KafkaBroker kafka;
  private Master master;
  private Path data;

  Sandbox(Options options, Progress progress, Clock clock) {
    this.options = options;
    this.progress = progress;
    this.clock = clock;
  }

  /** The absolute data directory; valid after {@link #prepare()}. */
  Path dataDir() {
    return data;
  }

  /** Makes the data directory; first, so logging can go there. */
  Path prepare() throws Exception {
    Path dir = options.dataDir().toAbsolutePath().normalize();
    boolean removed = DataDirectory.prepare(dir);
    data = dir.toRealPath();
    Files.createDirectories(data.resolve("logs"));
    progress.say("data", data + (removed ? " (the previous sandbox's data was removed)" : "")
        + "; every file of this run is in there");
    return data;
  }

  /** Starts every part, runs the demo, and returns what it saw. */
  Outcome start() throws Exception {
    if (data == null) {
      prepare();
    }
    if (!Files.isRegularFile(options.hookModule())) {
      throw new IllegalStateException("the producer's hg hook module is missing: " + options.hookModule());
    }
    if (!Files.isRegularFile(MasterHgrc.extension(options.hookModule()))) {
      throw new IllegalStateException("the master's hg extension is missing: "
          + MasterHgrc.extension(options.hookModule()) + " (expected beside the hook module)");
    }
    AmqpServer amqp = startBrokers();
    startMaster();
    startMirrors();
    startAggregatorsAndNotifier(amqp);
    Observations observations = startWatchers(amqp);
    Demo demo = new Demo(master, mirrors, observations, progress,
        new ProcessHg(HgOptions.defaults("hg").withPlainProcesses(true)), data.resolve("work"),
        PENDING_TOPIC, FINAL_TOPIC);
    List<Demo.Check> checks = demo.run(options.timeout());
    List<String> failed = new ArrayList<>();
    for (Daemon d : daemons) {
      d.unexpectedEnd().ifPresent(end -> failed.add(d.name() + " " + end));
    }
    return new Outcome(checks, failed, demo, data);
  }

  /** Kafka and the topics; the AMQP broker starts meanwhile on another thread (both take seconds). */
  private AmqpServer startBrokers() throws Exception {
    CompletableFuture<AmqpServer> amqpStart = CompletableFuture.supplyAsync(() -> {
      try {
        return AmqpServer.start(data.resolve("amqp"), options.tryRabbitMq());
      } catch (Exception e) {
        throw new IllegalStateException("cannot start an AMQP broker: " + e.getMessage(), e);
      }
    });
    try {
      kafka = track(KafkaBroker.start(data.resolve("kafka")));
    } catch (Exception e) {
      amqpStart.thenAccept(AmqpServer::close);
      throw e;
    }
    progress.say("kafka", "broker up at " + kafka.bootstrapServers() + " (embedded, KRaft), log in kafka/");
    kafka.createTopics(TOPICS);
    progress.say("kafka", "topics " + TOPIC + " (" + PARTITIONS + " partitions), " + PENDING_TOPIC + " (1), "
        + FINAL_TOPIC + " (1)");
    AmqpServer amqp;
    try {
      amqp = track(amqpStart.get());
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
    progress.say("amqp", amqp.describe());
    return amqp;
  }

  private void startMaster() throws Exception {
    master = track(Master.start(data.resolve("master"), options.hookModule(), kafka.bootstrapServers(), TOPIC,
        PARTITIONS, data.resolve("logs")));
    progress.say("master", "producer daemon listening on " + master.producerSocket() + ", writing to " + TOPIC);
    progress.say("master", "hg serve publishes " + rel(master.repos()) + "/ at " + master.baseUrl()
        + "/ (push allowed; hooks from " + rel(master.dir().resolve("hgrc")) + ")");
  }

  private void startMirrors() throws Exception {
    for (String name : MIRRORS) {
      Mirror m = Mirror.create(name, data.resolve(name), kafka.bootstrapServers(), master, TOPIC, PENDING_TOPIC);
      mirrors.add(m);
      daemons.add(m.startConsumer(progress));
      progress.say(name, "consumer (group " + m.group() + ") applies " + TOPIC + " to " + rel(m.repos())
          + "/, config " + rel(m.consumerConfig()));
      daemons.add(m.startHeadsConsumer(progress));
      progress.say(name, "heads consumer (group " + m.headsGroup() + ") writes .hg/replicated-data from "
          + PENDING_TOPIC + ", config " + rel(m.headsConsumerConfig()));
    }
  }

  private void startAggregatorsAndNotifier(AmqpServer amqp) throws Exception {
    daemons.addAll(Aggregators.start(data.resolve("aggregator"), kafka.bootstrapServers(), TOPIC, PENDING_TOPIC,
        FINAL_TOPIC, mirrors.stream().map(Mirror::group).toList(), mirrors.stream().map(Mirror::headsGroup).toList(),
        progress));
    daemons.add(Notifier.start(data.resolve("notifier"), kafka.bootstrapServers(), FINAL_TOPIC, amqp, master,
        EXCHANGE_V1, EXCHANGE_V2, progress));
  }

  /**
   * What shows the user the flow: every record of the topics, the mirrors catching up with each
   * {@code hg-heads-1} the producer writes, the heads files once stage 1 copied it, and the
   * notifications on a queue bound to the Pulse exchanges.
   */
  private Observations startWatchers(AmqpServer amqp) throws Exception {
    Observations observations = new Observations();
    Hg readHg = track(HgFactory.open(HgOptions.defaults("hg")));
    Convergence convergence = track(new Convergence(mirrors, readHg, progress, observations, data,
        options.timeout(), clock));
    EventWatch events = new EventWatch(kafka.bootstrapServers(), TOPICS, progress, observations, seen -> {
      if (seen.message().event() instanceof Heads h) {
        if (seen.topic().equals(TOPIC)) {
          convergence.expectMirrors(seen.message(), h);
        } else if (seen.topic().equals(PENDING_TOPIC)) {
          convergence.expectHeadsFiles(h);
        }
      }
    });
    daemons.add(Daemon.start("event-watch", events::run, events::stop, progress));
    track(NotificationWatch.start(amqp, List.of(EXCHANGE_V1, EXCHANGE_V2), master.baseUrl() + "/", progress,
        observations));
    return observations;
  }

  private String rel(Path p) {
    return data.getFileName() + "/" + data.relativize(p);
  }

  private <T extends AutoCloseable> T track(T resource) {
    opened.push(resource);
    return resource;
  }

  /** Stops every part (consumers first, brokers last); data stays on disk. */
  @Override
  public void close() {
    LogSetup.quietConsole();
    daemons.forEach(Daemon::requestStop);
    daemons.forEach(Daemon::close);
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (Exception e) {
        progress.say("stop", "closing a part failed: " + e);
      }
    }
  }
}
