package org.vcsreplicator.pulse;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.NotifierSettings;
import org.vcsreplicator.config.PulseSettings;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.kafka.ConsumerProgress;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.SkipNotRecordedException;
import org.vcsreplicator.kafka.SkipRecorder;
import org.vcsreplicator.kafka.SkipRefusedException;
import org.vcsreplicator.kafka.SkipRequest;
import org.vcsreplicator.message.EventKind;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.metrics.EventOutcome;
import org.vcsreplicator.metrics.ReplicationMetrics;
import org.vcsreplicator.skip.SkipRecord;

/**
 * The Pulse notifier daemon (SPEC 6): consumes the aggregated topic as its own group and turns
 * each event into a public notification on Pulse.
 *
 * <p>Invariants:
 * <ol>
 *   <li>An offset is committed only after the event's notification was confirmed by every
 *       exchange, or after the event was found to need none (SPEC 2.2). The committed value is the
 *       next offset to read.</li>
 *   <li>Events are handled one at a time, in log order; nothing after an unfinished event is
 *       looked at.</li>
 *   <li>A transient failure (AMQP broker unreachable, NACK, hg or the pushlog unreadable) keeps
 *       the event in hand and retries it with {@link Backoff}, for as long as it takes: nothing is
 *       acknowledged meanwhile, nothing is lost. Delivery is at-least-once.</li>
 *   <li>A repository that no longer exists on the master is acknowledged with a log line and the
 *       next event goes on (SPEC 2.5; the incident of {@code seed/}). A missing or unreadable
 *       repository root, an unmapped wire path or a routing key prefix that does not fit stops the
 *       notifier instead (exit 1), without acknowledging.</li>
 *   <li>An undecodable record or an event that can never be notified (path escaping its root,
 *       undecodable obsolescence markers) stops the notifier (exit 1) with the command that skips
 *       it: dropping an event is an operator's act.</li>
 * </ol>
 *
 * <p>Metrics ({@link ReplicationMetrics}): a notification published, or a heartbeat, is an applied
 * event; an event acknowledged without a notification (no public URL, ignored path, deleted
 * repository, a kind Pulse does not hear of) is filtered; an event it stops on is failed, and its
 * partition stopped. With {@code holdOnFailure} ({@link #run(boolean)}) the notifier then holds,
 * stopped, until asked to stop, so the stopped gauge can be scraped.
 *
 * <p>The partitions of the topic (one, in production) are assigned statically, not subscribed:
 * no group rebalance can take the event in hand away, however long a retry lasts. Without a
 * committed offset, consumption starts at the beginning of the topic, as the original did.
 *
 * <p>Thread-safety: {@link #run()} and the other methods are for one thread, except {@link
 * #stop()}, which any thread may call (a signal handler).
 */
public final class PulseNotifier implements AutoCloseable {

    // The original's logger name: operators grep the notifier's log for its lines.
    private static final Logger log = LoggerFactory.getLogger("vcsreplicator.pushnotifications");

    /** Exit code: stopped on request. */
    public static final int EXIT_OK = 0;
    /** Exit code: stopped on an event it cannot handle, or a misconfiguration. */
    public static final int EXIT_FAILED = 1;

    /** The CLI command an operator runs to drop the event the notifier stopped on. */
    static final String SKIP_COMMAND = "vcsreplicator pulse-notify --skip CONFIG";

    private static final String MDC_KEY = "event";

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final String group;
    private final NotificationBuilder builder;
    private final NotificationPublisher publisher;
    private final Backoff backoff;
    private final StopSignal stop;
    private final Duration pollTimeout;
    private final List<AutoCloseable> owned;
    private final ReplicationMetrics metrics;
    private final Clock clock;
    private ConsumerProgress progress;

    /**
     * The daemon from its settings: opens hg, checks the repository roots, connects the Kafka
     * consumer (assigning every partition of the topic and, with {@code startFrom}, seeking each
     * to that offset). The AMQP connection is opened by the first publish.
     *
     * @param settings never null
     * @param startFrom an absolute offset to start from instead of the committed one
     * @param clock stamps the notifications, never null
     * @return a notifier ready to {@link #run()}; the caller closes it
     * @throws NotifierMisconfiguredException a repository root is missing or unreadable, or the
     *     topic does not exist
     * @throws HgUnavailableException hg cannot be run
     */
    public static PulseNotifier open(NotifierSettings settings, OptionalLong startFrom, Clock clock)
            throws NotifierMisconfiguredException, HgUnavailableException {
        return open(settings, startFrom, clock, ReplicationMetrics.none());
    }

    /**
     * As {@link #open(NotifierSettings, OptionalLong, Clock)}, reporting to {@code metrics}.
     *
     * @param metrics never null
     */
    public static PulseNotifier open(NotifierSettings settings, OptionalLong startFrom, Clock clock,
            ReplicationMetrics metrics) throws NotifierMisconfiguredException, HgUnavailableException {
        Objects.requireNonNull(metrics, "metrics");
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            ConsumerSettings cs = settings.consumer();
            Hg hg = HgFactory.open(cs.hgPath());
            owned.add(hg);
            LocalMasterRepositories master = new LocalMasterRepositories(cs.pathRewrites(), hg);
            master.checkRoots();
            AmqpPublisher amqp = new AmqpPublisher(endpoint(settings.pulse()));
            owned.add(amqp);
            Consumer<byte[], byte[]> consumer = openConsumer(cs, startFrom);
            owned.add(consumer);
            return new PulseNotifier(
                    consumer,
                    cs.topic(),
                    cs.group(),
                    NotificationBuilder.from(settings, master),
                    NotificationPublisher.from(amqp, settings.pulse(), clock),
                    Backoff.from(cs.retry()),
                    new StopSignal(),
                    cs.pollTimeout(),
                    owned,
                    metrics,
                    clock);
        } catch (NotifierMisconfiguredException | HgUnavailableException | RuntimeException e) {
            closeAll(owned);
            throw e;
        }
    }

    // visible for testing: every collaborator given; `owned` is closed by close()
    PulseNotifier(
            Consumer<byte[], byte[]> consumer,
            String topic,
            String group,
            NotificationBuilder builder,
            NotificationPublisher publisher,
            Backoff backoff,
            StopSignal stop,
            Duration pollTimeout,
            List<AutoCloseable> owned) {
        this(consumer, topic, group, builder, publisher, backoff, stop, pollTimeout, owned, ReplicationMetrics.none(),
                Clock.systemUTC());
    }

    // visible for testing: as the other, reporting to `metrics`
    PulseNotifier(
            Consumer<byte[], byte[]> consumer,
            String topic,
            String group,
            NotificationBuilder builder,
            NotificationPublisher publisher,
            Backoff backoff,
            StopSignal stop,
            Duration pollTimeout,
            List<AutoCloseable> owned,
            ReplicationMetrics metrics,
            Clock clock) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.group = Objects.requireNonNull(group, "group");
        this.builder = Objects.requireNonNull(builder, "builder");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.stop = Objects.requireNonNull(stop, "stop");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
        this.owned = List.copyOf(owned);
    }

    /**
     * The AMQP endpoint of {@code [pulse]}. A {@code connect_timeout} of 0 means the default
     * ({@link AmqpEndpoint#DEFAULT_CONNECT_TIMEOUT}): the client cannot wait forever.
     */
    public static AmqpEndpoint endpoint(PulseSettings pulse) {
        Duration connect = pulse.connectTimeout().isZero() ? AmqpEndpoint.DEFAULT_CONNECT_TIMEOUT : pulse.connectTimeout();
        return new AmqpEndpoint(pulse.hostname(), pulse.port(), pulse.userid(), pulse.password(), pulse.virtualHost(),
                pulse.ssl(), connect, AmqpEndpoint.DEFAULT_CONFIRM_TIMEOUT);
    }

    /**
     * A Kafka consumer for the notifier's group, assigned every partition of the topic, without
     * auto-commit, starting at the beginning when the group has no committed offset.
     *
     * @throws NotifierMisconfiguredException the topic does not exist
     */
    static Consumer<byte[], byte[]> openConsumer(ConsumerSettings cs, OptionalLong startFrom)
            throws NotifierMisconfiguredException {
        Map<String, Object> props = KafkaClientConfig.from(cs.kafka()).toClientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, cs.group());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(cs.topic(), cs.kafka().connectTimeout());
            if (infos == null || infos.isEmpty()) {
                throw new NotifierMisconfiguredException("topic " + cs.topic() + " ([" + cs.section()
                        + "] topic) does not exist on Kafka " + cs.kafka().bootstrapServers());
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
            partitions.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
            consumer.assign(partitions);
            if (startFrom.isPresent()) {
                for (TopicPartition tp : partitions) {
                    consumer.seek(tp, startFrom.getAsLong());
                }
            }
            return consumer;
        } catch (NotifierMisconfiguredException | RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    /**
     * The event an operator dropped with {@code --skip}.
     *
     * @param at where it was, never null
     * @param name its {@code name} ({@code heartbeat-1}, …), or {@code UNKNOWN} when undecodable
     * @param record the record value as text (the full event, for the record), never null
     * @param audit what was recorded in the skip audit topic before the offset moved, never null
     */
    public record Skipped(RecordCoordinates at, String name, String record, SkipRecord audit) {}

    /**
     * Acknowledges the group's next pending event without notifying it (the original's {@code
     * --skip}): an operator's act, recorded whole in the skip audit topic ({@code [pulseconsumer]
     * skip_topic}) by {@code recorder} before the offset moves (SPEC rule 2).
     *
     * @param settings never null
     * @param startFrom an absolute offset to look from instead of the committed one
     * @param wait how long to wait for the record to arrive once Kafka says one is pending
     * @param request the offset the operator named ({@code --offset}) and why ({@code --reason})
     * @param recorder writes the skip record; owned by the caller
     * @return the skipped event; empty when nothing is pending
     * @throws NotifierMisconfiguredException the topic does not exist
     * @throws SkipRefusedException the next event is not at the offset named; nothing recorded or acknowledged
     * @throws SkipNotRecordedException the skip record was not written; nothing acknowledged
     * @throws org.apache.kafka.common.KafkaException Kafka failed (nothing was acknowledged)
     */
    public static Optional<Skipped> skipNext(NotifierSettings settings, OptionalLong startFrom, Duration wait,
            SkipRequest request, SkipRecorder recorder)
            throws NotifierMisconfiguredException, SkipRefusedException, SkipNotRecordedException {
        ConsumerSettings cs = settings.consumer();
        try (Consumer<byte[], byte[]> consumer = openConsumer(cs, startFrom)) {
            Duration timeout = cs.kafka().connectTimeout();
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), timeout);
            boolean pending = false;
            for (TopicPartition tp : consumer.assignment()) {
                pending |= consumer.position(tp, timeout) < ends.getOrDefault(tp, 0L);
            }
            if (!pending) {
                return Optional.empty();
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(cs.pollTimeout())) {
                    RecordCoordinates at = new RecordCoordinates(record.topic(), record.partition(), record.offset());
                    byte[] value = record.value() == null ? new byte[0] : record.value();
                    String name;
                    String text;
                    try {
                        Message m = WireCodec.decode(value, at);
                        name = m.event().kind().wireName();
                        text = WireCodec.toJson(m).toString();
                    } catch (UndecodableRecordException e) {
                        name = "UNKNOWN";
                        text = new String(value, StandardCharsets.UTF_8);
                    }
                    // SPEC 2.2: dropping an event is an operator's act, recorded with the full event
                    // before the offset moves (the recorder commits only after the record is acknowledged).
                    SkipRecord audit = recorder.skip(consumer, cs.group(), record, request);
                    return Optional.of(new Skipped(at, name, text, audit));
                }
            }
            return Optional.empty();
        }
    }

    /**
     * Consumes and notifies until {@link #stop()} or an event it cannot handle.
     *
     * @return {@link #EXIT_OK} when stopped on request, {@link #EXIT_FAILED} when it stopped on an
     *     event (logged at ERROR with what to do)
     */
    public int run() {
        return run(false);
    }

    /**
     * Consumes and notifies until {@link #stop()} or an event it cannot handle.
     *
     * @param holdOnFailure at an event it cannot handle, hold (consuming and acknowledging
     *     nothing, its metrics still current) until {@link #stop()}, then return {@link
     *     #EXIT_FAILED}; for a daemon whose metrics are scraped
     * @return {@link #EXIT_OK} when stopped on request, {@link #EXIT_FAILED} when it stopped on an
     *     event (logged at ERROR with what to do)
     */
    public int run(boolean holdOnFailure) {
        log.info("starting pulse notifier for topic={} group={} partitions={}", topic, group, consumer.assignment());
        try {
            progress = ConsumerProgress.start(consumer, consumer.assignment(), metrics, clock);
            while (!stop.isStopped()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (stop.isStopped()) {
                        break; // the rest of the batch is uncommitted: a restart reads it again
                    }
                    Step step = handle(record);
                    if (step == Step.FAILED) {
                        if (holdOnFailure) {
                            hold(record);
                        }
                        log.warn("executing loop exiting after error");
                        return EXIT_FAILED;
                    }
                    if (step == Step.STOPPED) {
                        // Never poll again after leaving a batch early: the consumer's position is
                        // already past the unfinished event, which a restart reads again.
                        stop.stop();
                        break;
                    }
                    progress.refreshIfDue();
                }
                progress.refreshIfDue();
            }
        } catch (InterruptException e) {
            // A Kafka call was interrupted: treat it as a stop; nothing was acknowledged by it.
            Thread.interrupted();
        } catch (KafkaException e) {
            log.error("exception in daemon loop function: {}", e.toString(), e);
            log.warn("executing loop exiting after error");
            return EXIT_FAILED;
        }
        log.warn("executing loop exiting gracefully");
        return EXIT_OK;
    }

    /** Asks {@link #run()} to return after the event in hand; any thread; idempotent. */
    public void stop() {
        stop.stop();
    }

    private enum Step { DONE, STOPPED, FAILED }

    /** Ends the handling of the event in hand without acknowledging it. */
    private static final class Halt extends Exception {
        private static final long serialVersionUID = 1L;
        final transient Step step;

        Halt(Step step) {
            super(null, null, false, false);
            this.step = step;
        }
    }

    /**
     * Holds, stopped at {@code record}, until {@link #stop()}: nothing consumed or acknowledged,
     * the lag still read so it can be seen growing.
     */
    private void hold(ConsumerRecord<byte[], byte[]> record) {
        log.warn("stopped at partition {} offset {}: holding without consuming or acknowledging until SIGTERM, so "
                + "the metrics stay visible; after the event is skipped or its cause fixed, restart the notifier",
                record.partition(), record.offset());
        while (stop.pause(ConsumerProgress.REFRESH_INTERVAL)) {
            progress.refresh();
        }
    }

    private Step handle(ConsumerRecord<byte[], byte[]> record) {
        RecordCoordinates at = new RecordCoordinates(record.topic(), record.partition(), record.offset());
        Instant began = clock.instant();
        String kind = ReplicationMetrics.UNKNOWN_KIND;
        MDC.put(MDC_KEY, at.toString());
        try {
            Message message;
            try {
                message = WireCodec.decode(record.value() == null ? new byte[0] : record.value(), at);
            } catch (UndecodableRecordException e) {
                progress.began(at.partition(), at.offset(), OptionalDouble.empty());
                throw new Halt(failed(e.getMessage(), at));
            }
            kind = message.event().kind().wireName();
            progress.began(at.partition(), at.offset(), message.created());
            log.debug("processing {} from partition {} offset {}", message.event().kind(), at.partition(), at.offset());
            Decision decision = decide(message, at);
            EventOutcome outcome = EventOutcome.APPLIED;
            if (decision instanceof Decision.Acknowledge ack) {
                log.info("{}", ack.reason());
                // A heartbeat needs no notification and is all there is to it: applied.
                if (message.event().kind() != EventKind.HEARTBEAT) {
                    outcome = EventOutcome.FILTERED;
                }
            } else if (decision instanceof Decision.Publish publish) {
                deliver(publish.notification(), at);
            }
            commit(record, at);
            metrics.eventHandled(at.partition(), kind, outcome, Duration.between(began, clock.instant()));
            progress.committed(at.partition(), record.offset() + 1);
            return Step.DONE;
        } catch (Halt h) {
            if (h.step == Step.FAILED) {
                metrics.eventHandled(at.partition(), kind, EventOutcome.FAILED, Duration.between(began, clock.instant()));
                metrics.stopped(at.partition(), true);
            }
            return h.step;
        } finally {
            MDC.remove(MDC_KEY);
        }
    }

    /** The decision, retried while the master cannot be read. */
    private Decision decide(Message message, RecordCoordinates at) throws Halt {
        for (int attempt = 0; ; attempt++) {
            try {
                return builder.decide(message);
            } catch (MasterQueryException e) {
                pauseBeforeRetry(attempt, e.getMessage(), at);
            } catch (NotifierMisconfiguredException e) {
                log.error("{}; the notifier stops at {} without acknowledging it (SPEC 2.5: a misconfigured "
                        + "master is not a deleted repository)", e.getMessage(), at);
                throw new Halt(Step.FAILED);
            } catch (BadEventException e) {
                throw new Halt(failed(e.getMessage(), at));
            }
        }
    }

    /** Publishes until every exchange confirmed. */
    private void deliver(Notification notification, RecordCoordinates at) throws Halt {
        Set<String> confirmed = new HashSet<>();
        for (int attempt = 0; ; attempt++) {
            try {
                publisher.publish(notification, confirmed);
                return;
            } catch (AmqpPublishException e) {
                // SPEC 2.2: never acknowledge what Pulse has not confirmed; refusals need an
                // operator but lose nothing by waiting, so they are retried too, louder.
                if (!e.isTransient()) {
                    log.error("Pulse refuses {} notification for {}: {}", notification.type(), notification.repoUrl(),
                            e.getMessage());
                }
                pauseBeforeRetry(attempt, e.getMessage(), at);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop.stop();
                throw new Halt(Step.STOPPED);
            }
        }
    }

    /** Commits the offset after {@code record}, retrying while Kafka refuses. */
    private void commit(ConsumerRecord<byte[], byte[]> record, RecordCoordinates at) throws Halt {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        Map<TopicPartition, OffsetAndMetadata> next = Map.of(tp, new OffsetAndMetadata(record.offset() + 1));
        for (int attempt = 0; ; attempt++) {
            try {
                consumer.commitSync(next);
                return;
            } catch (InterruptException e) {
                throw e;
            } catch (KafkaException e) {
                // The notification is out: a restart before this commit sends it again (at-least-once).
                pauseBeforeRetry(attempt, "cannot commit offset " + (record.offset() + 1) + ": " + e, at);
            }
        }
    }

    /** Waits before the next attempt; halts when a stop comes first. */
    private void pauseBeforeRetry(int attempt, String problem, RecordCoordinates at) throws Halt {
        Duration delay = backoff.delay(attempt);
        metrics.retried();
        log.warn("{} ({}); attempt {} failed, retrying in {} ms", problem, at, attempt + 1, delay.toMillis());
        if (!stop.pause(delay)) {
            throw new Halt(Step.STOPPED);
        }
    }

    private Step failed(String problem, RecordCoordinates at) {
        log.error("{}; the notifier stops at {} without acknowledging it; once it is understood, "
                + "drop it with `{}` (group {})", problem, at, SKIP_COMMAND, group);
        return Step.FAILED;
    }

    @Override
    public void close() {
        closeAll(owned);
    }

    private static void closeAll(List<AutoCloseable> resources) {
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                log.debug("ignoring failure to close {}", c, e);
            }
        }
    }
}
