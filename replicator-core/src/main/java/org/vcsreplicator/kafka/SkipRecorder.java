package org.vcsreplicator.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.skip.Actor;
import org.vcsreplicator.skip.SkipRecord;
import org.vcsreplicator.skip.SkipRecordCodec;

/**
 * Records operator skips in the durable audit topic ({@code [consumer] skip_topic}, default
 * {@code <topic>-skipped}) before their offsets move: the one place where "record, then commit"
 * happens, for every consumer that has a {@code --skip} (mirror consumer, heads consumer, notifier).
 *
 * <p>Invariants:
 * <ol>
 *   <li>SPEC rule 2: {@link #skip} commits the skipped offset only after the broker acknowledged
 *       the skip record ({@code acks=all}, idempotent producer). If the record cannot be written,
 *       nothing is committed. If the process dies between the two, the record exists and the event
 *       is still pending: a second {@code --skip} records it again (same id) and commits.
 *   <li>The audit topic is created when missing: 1 partition (the log is read in order), the
 *       broker's default replication factor, kept forever ({@code retention.ms=-1},
 *       {@code retention.bytes=-1}). Operators who want another replication factor create it
 *       beforehand; a topic that appears concurrently is fine.
 *   <li>No call waits longer than the timeout given (plus scheduling noise) for the broker.
 * </ol>
 *
 * <p>Not thread-safe (it is meant for one operator command at a time); {@link #close()} it.
 */
public final class SkipRecorder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SkipRecorder.class);

  /** How long writing a record (including creating the topic) may take. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private final Producer<byte[], byte[]> producer;
  private final Admin admin;
  private final String auditTopic;
  private final Duration timeout;
  private final Clock clock;
  private final Actor actor;
  private final Runnable afterRecorded;
  private boolean topicReady;

  /**
   * A recorder writing to {@code auditTopic} on the cluster of {@code config}.
   *
   * @param timeout bound for writing one record, topic creation included; positive
   * @param clock the records' {@code time}
   * @param actor the records' {@code host} and {@code user}; see {@link #currentActor()}
   */
  public SkipRecorder(KafkaClientConfig config, String auditTopic, Duration timeout, Clock clock, Actor actor) {
    this(config, auditTopic, timeout, clock, actor, () -> { });
  }

  // visible for testing: afterRecorded runs between the acknowledgement and the commit, so that a
  // test can crash there
  SkipRecorder(KafkaClientConfig config, String auditTopic, Duration timeout, Clock clock, Actor actor,
      Runnable afterRecorded) {
    this.auditTopic = Objects.requireNonNull(auditTopic, "auditTopic");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.actor = Objects.requireNonNull(actor, "actor");
    this.afterRecorded = Objects.requireNonNull(afterRecorded, "afterRecorded");
    Map<String, Object> adminProps = config.toClientProperties();
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    // acks=all, idempotent, and every wait bounded by the timeout: the producer of the replication log's.
    Map<String, Object> producerProps = EventProducer.producerProperties(config, timeout);
    this.admin = Admin.create(adminProps);
    try {
      this.producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (KafkaException e) {
      admin.close(Duration.ZERO);
      throw e;
    }
  }

  /**
   * The recorder for a consumer's settings: its cluster (TLS and SASL settings included) and
   * its {@code skip_topic}, with {@link #DEFAULT_TIMEOUT}, the system clock and the current actor.
   */
  public static SkipRecorder forSettings(ConsumerSettings settings) {
    return new SkipRecorder(KafkaClientConfig.from(settings.kafka()), settings.skipTopic(), DEFAULT_TIMEOUT,
        Clock.systemUTC(), currentActor());
  }

  /**
   * Who runs this process: the host name, and the person: {@code $SUDO_USER} when run through
   * sudo (operators usually act as the service account), else the account name. Never null.
   */
  public static Actor currentActor() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("unknown-host");
    }
    String user = Optional.ofNullable(System.getenv("SUDO_USER")).filter(u -> !u.isBlank())
        .or(() -> Optional.ofNullable(System.getProperty("user.name")).filter(u -> !u.isBlank()))
        .orElse("unknown-user");
    return new Actor(host, user);
  }

  /** The audit topic written to; never null. */
  public String auditTopic() {
    return auditTopic;
  }

  /** Who the records name; never null. */
  public Actor actor() {
    return actor;
  }

  /**
   * Skips {@code record} for {@code group}: checks it is the event the operator named, writes its
   * skip record, waits for the acknowledgement, then commits the record's offset + 1 through
   * {@code consumer}.
   *
   * @param consumer a consumer of {@code group}, owned by the caller, on the caller's thread
   * @param record the group's next pending record of its partition
   * @return the record written; never null
   * @throws SkipRefusedException the record is not at the offset the request names; nothing was
   *     written or committed
   * @throws SkipNotRecordedException the record was not acknowledged; nothing was committed
   * @throws KafkaException the record was written but the commit failed: the event is still pending
   */
  public SkipRecord skip(Consumer<?, ?> consumer, String group, ConsumerRecord<byte[], byte[]> record,
      SkipRequest request) throws SkipRefusedException, SkipNotRecordedException {
    return skip(consumer, group, new RecordCoordinates(record.topic(), record.partition(), record.offset()),
        record.key(), record.value(), request);
  }

  /**
   * {@link #skip(Consumer, String, ConsumerRecord, SkipRequest)} for a record already taken apart.
   *
   * @param key the record key, or null
   * @param value the record value exactly as read, or null
   */
  public SkipRecord skip(Consumer<?, ?> consumer, String group, RecordCoordinates at, byte[] key, byte[] value,
      SkipRequest request) throws SkipRefusedException, SkipNotRecordedException {
    request.check(at.partition(), at.offset());
    Optional<String> reason = request.reason();
    SkipRecord skip = SkipRecord.skip(at, group, key, value, actor, clock.instant(), reason);
    RecordCoordinates written = write(skip);
    afterRecorded.run();
    TopicPartition tp = new TopicPartition(at.topic(), at.partition());
    try {
      // SPEC rule 2: the offset moves only now that the skip is durable.
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(at.offset() + 1,
          "skipped; recorded as " + skip.id() + " in " + auditTopic)));
    } catch (KafkaException e) {
      log.error("skip of {} is recorded in {} but its offset could not be committed: {}; the event is still "
          + "pending, a second --skip records and skips it", skip.id(), written, e.toString());
      throw e;
    }
    log.warn("operator {} on {} skipped {} for group {}; recorded in {}", actor.user(), actor.host(), skip, group,
        written);
    return skip;
  }

  /**
   * Records that {@code skipped} was replayed (applied after all) by this actor, now.
   *
   * @param skipped a skip record
   * @return the replay record written; never null
   * @throws SkipNotRecordedException the record was not acknowledged
   */
  public SkipRecord recordReplay(SkipRecord skipped, Optional<String> reason) throws SkipNotRecordedException {
    SkipRecord replay = SkipRecord.replay(skipped, actor, clock.instant(), reason);
    RecordCoordinates written = write(replay);
    log.info("operator {} on {} replayed {}; recorded in {}", actor.user(), actor.host(), skipped.id(), written);
    return replay;
  }

  /**
   * Writes one record to the audit topic (creating the topic when missing) and waits until the
   * broker acknowledged it.
   *
   * @return where it was written; never null
   * @throws SkipNotRecordedException it was not acknowledged within the timeout
   */
  public RecordCoordinates write(SkipRecord record) throws SkipNotRecordedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      ensureTopic(deadline);
      RecordMetadata md = producer.send(new ProducerRecord<>(auditTopic, record.id().getBytes(StandardCharsets.UTF_8),
          SkipRecordCodec.encode(record))).get(remaining(deadline), TimeUnit.NANOSECONDS);
      return new RecordCoordinates(md.topic(), md.partition(), md.offset());
    } catch (ExecutionException e) {
      throw notRecorded(record, e.getCause() != null ? e.getCause() : e);
    } catch (TimeoutException e) {
      throw notRecorded(record, new TimeoutException("no acknowledgement within " + timeout.toMillis() + " ms"));
    } catch (KafkaException e) {
      throw notRecorded(record, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw notRecorded(record, e);
    }
  }

  private void ensureTopic(long deadline) throws ExecutionException, TimeoutException, InterruptedException {
    if (topicReady) {
      return;
    }
    try {
      admin.describeTopics(List.of(auditTopic)).allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
      topicReady = true;
      return;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
        throw e;
      }
    }
    NewTopic topic = new NewTopic(auditTopic, Optional.of(1), Optional.empty()).configs(Map.of(
        TopicConfig.RETENTION_MS_CONFIG, "-1",
        TopicConfig.RETENTION_BYTES_CONFIG, "-1",
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    try {
      admin.createTopics(List.of(topic)).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
      log.info("created the skip audit topic {} (1 partition, kept forever)", auditTopic);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    topicReady = true;
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private SkipNotRecordedException notRecorded(SkipRecord record, Throwable cause) {
    String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    String what = record.isReplay() ? "the replay of " + record.replayOf().orElseThrow() : "the skip of " + record.id();
    return new SkipNotRecordedException("cannot record " + what + " in topic " + auditTopic + ": " + why
        + (record.isReplay() ? "" : "; nothing was committed, the event is still pending"), cause);
  }

  /** Waits up to the timeout for records in flight, then releases the connections. */
  @Override
  public void close() {
    try {
      producer.close(timeout);
    } finally {
      admin.close(timeout);
    }
  }
}
