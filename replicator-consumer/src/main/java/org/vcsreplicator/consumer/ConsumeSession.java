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
import org.vcsreplicator.metrics.ReplicationMetrics;

/**
 * Everything one {@code consume} (or {@code heads-consume}) invocation needs, built from the
 * mirror's settings: the Kafka consumer (group = {@code [consumer] group}, auto-commit off), and
 * for applying, the {@link EventHandler} a {@link HandlerOpener} opens when the loop starts: hg and
 * the {@link EventApplier} for the mirror consumer ({@link #open}), the {@link HeadsApplier} for
 * the heads consumer ({@link #openHeads}). Both run the same {@link MirrorConsumer} loop, with the
 * same flags, filters and failure handling. The operator flags ({@code --dump}, {@code --skip},
 * …) use {@link #pendingRecords()} and never open a handler (nor start hg).
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

  /** Opens the handler of one run when the loop starts; a seam so tests can pass their own. */
  @FunctionalInterface
  public interface HandlerOpener {
    /**
     * @param settings the session's settings, never null
     * @return never null
     * @throws HgUnavailableException when hg is needed and cannot be started (a misconfiguration)
     */
    OpenedHandler open(ConsumerSettings settings) throws HgUnavailableException;
  }

  /**
   * A handler for one run and what releases it.
   *
   * @param handler applies events, never null
   * @param close releases what the handler holds (hg); called on {@link #stop()} too, where it
   *     must end an apply in progress (that event is then not committed), and again on {@link
   *     #close()}, so it must be idempotent and thread-safe; never null
   */
  public record OpenedHandler(EventHandler handler, Runnable close) {
    public OpenedHandler {
      Objects.requireNonNull(handler, "handler");
      Objects.requireNonNull(close, "close");
    }
  }

  private final ConsumerSettings settings;
  private final Consumer<byte[], byte[]> kafka;
  private final HandlerOpener handlerOpener;
  private final OperatorCommands commands;
  private final Clock clock;
  private final StopSignal stop = new StopSignal();
  private volatile OpenedHandler opened;
  private volatile MirrorConsumer running;

  /**
   * Opens a mirror consumer session on the real broker and the configured hg.
   *
   * @param settings the mirror's consumer settings
   * @param configPath the configuration file as given, named in error lines
   */
  public static ConsumeSession open(ConsumerSettings settings, String configPath) {
    return new ConsumeSession(settings, new KafkaConsumer<>(consumerProperties(settings)),
        mirrorHandler(executable -> HgFactory.open(HgOptions.defaults(executable))),
        OperatorCommands.forConfig(configPath), Clock.systemUTC());
  }

  /**
   * Opens a heads consumer session on the real broker: the same loop, writing {@code
   * .hg/replicated-data} for {@code hg-heads-1} ({@link HeadsApplier}); it never starts hg.
   *
   * @param settings the heads consumer's settings (its {@code topic} is the pending aggregate
   *     topic, {@code replicatedpushdatapending} in production)
   * @param configPath the configuration file as given, named in error lines
   */
  public static ConsumeSession openHeads(ConsumerSettings settings, String configPath) {
    return new ConsumeSession(settings, new KafkaConsumer<>(consumerProperties(settings)), headsHandler(),
        OperatorCommands.forHeadsConsumer(configPath), Clock.systemUTC());
  }

  /** For testing: any consumer (e.g. {@code MockConsumer}) and any handler. */
  public ConsumeSession(ConsumerSettings settings, Consumer<byte[], byte[]> kafka, HandlerOpener handlerOpener,
      OperatorCommands commands, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.handlerOpener = Objects.requireNonNull(handlerOpener, "handlerOpener");
    this.commands = Objects.requireNonNull(commands, "commands");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The mirror consumer's handler: hg, opened from {@code [programs] hg}, and an {@link EventApplier}. */
  public static HandlerOpener mirrorHandler(HgOpener hgOpener) {
    Objects.requireNonNull(hgOpener, "hgOpener");
    return settings -> {
      Hg hg = hgOpener.open(settings.hgPath());
      return new OpenedHandler(mirrorApplier(hg, settings), hg::close);
    };
  }

  /**
   * The mirror consumer's {@link EventApplier} for these settings, on {@code hg} (not closed by
   * it); the bootstrap of a new mirror applies through the same one.
   */
  public static EventApplier mirrorApplier(Hg hg, ConsumerSettings settings) {
    return new EventApplier(hg, routes(settings),
        new EventApplier.Settings(settings.backup(), settings.todeletePath(), Optional.of(ConsumerExtension.path())));
  }

  /** The heads consumer's handler; holds nothing, so closing it does nothing. */
  public static HandlerOpener headsHandler() {
    return settings -> new OpenedHandler(new HeadsApplier(routes(settings)), () -> {});
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
   * @throws HgUnavailableException when hg is needed and cannot be started at all (a misconfiguration)
   * @throws IllegalArgumentException when the topic or partition does not exist
   */
  public MirrorConsumer.Result consume(MirrorConsumer.Options options) throws HgUnavailableException {
    return consume(options, ReplicationMetrics.none());
  }

  /**
   * As {@link #consume(MirrorConsumer.Options)}, reporting to {@code metrics}.
   *
   * @param options how to run; its poll timeout is replaced by the settings' {@code poll_timeout}
   * @param metrics never null
   * @throws HgUnavailableException when hg is needed and cannot be started at all (a misconfiguration)
   * @throws IllegalArgumentException when the topic or partition does not exist
   */
  public MirrorConsumer.Result consume(MirrorConsumer.Options options, ReplicationMetrics metrics)
      throws HgUnavailableException {
    OpenedHandler handler = handlerOpener.open(settings);
    opened = handler;
    MirrorConsumer loop = new MirrorConsumer(kafka, settings.topic(), settings.group(), handler.handler(),
        settings.retry(), stop, handler.close(), commands, clock, metrics);
    running = loop;
    if (stop.isRequested()) {
      return MirrorConsumer.Result.STOPPED; // a signal arrived while the handler (hg) was starting
    }
    return loop.run(new MirrorConsumer.Options(options.partition(), options.startFrom(), options.onetime(),
        settings.pollTimeout(), options.holdOnFailure()));
  }

  /**
   * {@code skipped replay}: applies one event (a skipped one, after the operator fixed its cause)
   * exactly as the consume loop would, through this session's own handler (the {@link
   * EventApplier} of {@link #open}, the {@link HeadsApplier} of {@link #openHeads}), once: no
   * retries (the operator is watching and can run it again). Commits nothing.
   *
   * @return never null; {@link Outcome.Applied} when this mirror now reflects the event
   * @throws HgUnavailableException when hg is needed and cannot be started at all
   */
  public Outcome replay(Event event) throws HgUnavailableException {
    OpenedHandler handler = opened;
    if (handler == null) {
      handler = handlerOpener.open(settings);
      opened = handler;
    }
    return handler.handler().apply(event);
  }

  /** The operator commands its lines name (dump, skip, replay); never null. */
  public OperatorCommands commands() {
    return commands;
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

  /** Closes the handler (hg, if started) and the Kafka consumer. */
  @Override
  public void close() {
    OpenedHandler handler = opened;
    if (handler != null) {
      handler.close().run();
    }
    kafka.close();
  }

  /** Settings in use, for summaries. */
  public ConsumerSettings settings() {
    return settings;
  }
}
