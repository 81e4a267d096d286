package org.vcsreplicator.consumer;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.message.Event;

/**
 * Everything one {@code consume} invocation needs, built from the mirror's settings: the Kafka
 * consumer (group = {@code [consumer] group}, auto-commit off), and for applying, hg and the
 * {@link EventApplier}. The operator flags ({@code --dump}, {@code --skip}, …) use {@link
 * #pendingRecords()} and never start hg.
 *
 * <p>Thread-safety: every method except {@link #stop()} must be called from the thread that
 * created the session (it owns the Kafka consumer); {@link #stop()} may be called from any thread,
 * e.g. a signal handler.
 */
public final class ConsumeSession implements AutoCloseable {

  /** Opens hg as configured; a seam so tests can pass their own. */
  @FunctionalInterface
  public interface HgOpener {
    Hg open(String executable) throws HgUnavailableException;
  }

  private final ConsumerSettings settings;
  private final Consumer<byte[], byte[]> kafka;
  private final HgOpener hgOpener;
  private final OperatorCommands commands;
  private final Clock clock;
  private final StopSignal stop = new StopSignal();
  private volatile Hg hg;
  private volatile MirrorConsumer running;

  /**
   * Opens a session on the real broker and the configured hg.
   *
   * @param settings the mirror's consumer settings
   * @param configPath the configuration file as given, named in error lines
   */
  public static ConsumeSession open(ConsumerSettings settings, String configPath) {
    return new ConsumeSession(settings, new KafkaConsumer<>(consumerProperties(settings)),
        executable -> HgFactory.open(HgOptions.defaults(executable)), OperatorCommands.forConfig(configPath),
        Clock.systemUTC());
  }

  /** For testing: any consumer (e.g. {@code MockConsumer}) and any hg. */
  public ConsumeSession(ConsumerSettings settings, Consumer<byte[], byte[]> kafka, HgOpener hgOpener,
      OperatorCommands commands, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.hgOpener = Objects.requireNonNull(hgOpener, "hgOpener");
    this.commands = Objects.requireNonNull(commands, "commands");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The Kafka client settings of a mirror consumer: the connection's (including pass-through TLS
   * and SASL settings) plus those this consumer relies on, which win.
   */
  public static Properties consumerProperties(ConsumerSettings settings) {
    Properties p = new Properties();
    // Connection, client id, pass-through TLS/SASL settings and the connect timeout.
    p.putAll(KafkaClientConfig.from(settings.kafka()).toClientProperties());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
    // SPEC rule 2: offsets move only when the loop commits after applying.
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /**
   * Runs the consume loop until stopped, a permanent failure, or (with {@code onetime}) one record.
   *
   * @throws HgUnavailableException when hg cannot be started at all (a misconfiguration)
   * @throws IllegalArgumentException when the topic or partition does not exist
   */
  public MirrorConsumer.Result consume(MirrorConsumer.Options options) throws HgUnavailableException {
    Hg opened = hgOpener.open(settings.hgPath());
    hg = opened;
    EventApplier applier = applier(opened);
    MirrorConsumer loop = new MirrorConsumer(kafka, settings.topic(), settings.group(), applier, settings.retry(), stop,
        opened::close, commands, clock);
    running = loop;
    if (stop.isRequested()) {
      return MirrorConsumer.Result.STOPPED; // a signal arrived while hg was starting
    }
    return loop.run(new MirrorConsumer.Options(options.partition(), options.startFrom(), options.onetime(),
        settings.pollTimeout()));
  }

  /**
   * {@code skipped replay}: applies one event (a skipped one, after the operator fixed its cause)
   * exactly as the consume loop would, through the same {@link EventApplier}, once: no retries
   * (the operator is watching and can run it again). Commits nothing.
   *
   * @return never null; {@link Outcome.Applied} when this mirror now reflects the event
   * @throws HgUnavailableException when hg cannot be started at all
   */
  public Outcome replay(Event event) throws HgUnavailableException {
    return applier(openHg()).apply(event);
  }

  private Hg openHg() throws HgUnavailableException {
    Hg opened = hg;
    if (opened == null) {
      opened = hgOpener.open(settings.hgPath());
      hg = opened;
    }
    return opened;
  }

  private EventApplier applier(Hg opened) {
    return new EventApplier(opened, routes(settings),
        new EventApplier.Settings(settings.backup(), settings.todeletePath(), Optional.of(ConsumerExtension.path())));
  }

  /** The operator tools on the same consumer; they commit nothing except {@code --skip}. */
  public PendingRecords pendingRecords() {
    return new PendingRecords(kafka, settings.topic(), settings.group(), clock);
  }

  /** The stop signal {@link PendingRecords} waits honour. */
  public StopSignal stopSignal() {
    return stop;
  }

  /** Asks whatever runs to stop (see {@link MirrorConsumer#stop()}); thread-safe, idempotent. */
  public void stop() {
    MirrorConsumer loop = running;
    if (loop != null) {
      loop.stop();
    } else {
      stop.request();
      kafka.wakeup();
    }
  }

  /** The routes of these settings. */
  public static MirrorRoutes routes(ConsumerSettings settings) {
    return new ConfiguredMirrorRoutes(settings.replicationRules(), settings.pathRewrites(), settings.pullUrlRewrites());
  }

  /** Closes hg (if started) and the Kafka consumer. */
  @Override
  public void close() {
    Hg opened = hg;
    if (opened != null) {
      opened.close();
    }
    kafka.close();
  }

  /** Settings in use, for summaries. */
  public ConsumerSettings settings() {
    return settings;
  }
}
