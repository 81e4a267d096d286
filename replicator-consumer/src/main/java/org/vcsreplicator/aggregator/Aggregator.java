package org.vcsreplicator.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.consumer.EventDisplay;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.metrics.EventOutcome;
import org.vcsreplicator.metrics.ReplicationMetrics;

/**
 * Copies, in order, every record of the monitored topic that all monitored consumer groups have
 * acknowledged to the aggregate topic (SPEC §6 "Aggregator"; the original's {@code aggregator.py}).
 *
 * <p>Each {@link #synchronize} re-reads the groups file, computes the {@link AggregationStatus},
 * and copies partition by partition in ascending order, each partition's window
 * {@code [copyFrom, copyTo)} in offset order. A copy carries every field of the source record,
 * plus {@code _original_created} (the source's {@code _created}) and {@code _original_partition}
 * (the source partition), with {@code _created} stamped anew at copy time; its key is the source's.
 *
 * <p>Invariants:
 *
 * <ol>
 *   <li><b>Send before commit.</b> The aggregator's group ({@code ack_group}) commits a source
 *       offset only after the broker acknowledged the copy. A crash between the two duplicates the
 *       record in the aggregate topic; nothing is ever lost (SPEC 2.2). Downstream consumers
 *       apply duplicates harmlessly (SPEC 2.3).
 *   <li><b>Nothing unacknowledged is copied.</b> A record is copied only when every listed group
 *       committed past it. A groups file that is missing, unreadable or empty copies nothing.
 *   <li><b>Undecodable records are copied byte for byte.</b> A record this version cannot decode
 *       (wrong header, bad JSON, unknown event) cannot be given the added fields. Dropping it would
 *       be a silent skip, and stopping would wedge every notification behind it (the incident);
 *       so it is copied unchanged, key included, and logged at ERROR with its coordinates. Its
 *       readers downstream then see the same undecodable record and handle it as theirs.
 * </ol>
 *
 * <p>Metrics ({@link ReplicationMetrics}), per partition of the monitored topic: every copy is an
 * applied event (an undecodable one of kind {@value ReplicationMetrics#UNKNOWN_KIND}); the
 * committed offset is the aggregator's own group's; the lag is what the lag check counts (records
 * every group acknowledged and the aggregator has not copied), read on every poll.
 *
 * <p>Not thread-safe: one thread calls {@link #synchronize}; it owns a Kafka consumer.
 */
public final class Aggregator implements AggregatorStep, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AggregatorLog.NAME);

  /** How long one consumer poll waits, so a stop request is seen quickly. */
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  private final String topic;
  private final Path groupsFile;
  private final String ackGroup;
  private final AggregationStatusSource status;
  private final Consumer<byte[], byte[]> consumer;
  private final AggregateWriter writer;
  private final Clock clock;
  private final Duration copyTimeout;
  private final List<AutoCloseable> owned;
  private final ReplicationMetrics metrics;
  private final Set<Integer> seenPartitions = new HashSet<>();
  private String lastGroupsNote;

  /**
   * An aggregator for the settings of an {@code [aggregator]} section, with its own Kafka clients.
   *
   * @param settings never null
   * @param requestTimeout bound for each request to Kafka (offsets, one copy's acknowledgement),
   *     and for waiting on the records of a window; positive
   * @param clock the source of {@code _created} on copies
   */
  public static Aggregator create(AggregatorSettings settings, Duration requestTimeout, Clock clock) {
    return create(settings, requestTimeout, clock, ReplicationMetrics.none());
  }

  /**
   * As {@link #create(AggregatorSettings, Duration, Clock)}, reporting to {@code metrics}.
   *
   * @param metrics never null
   */
  public static Aggregator create(AggregatorSettings settings, Duration requestTimeout, Clock clock,
      ReplicationMetrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    KafkaClientConfig config = KafkaClientConfig.from(settings.kafka());
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      OffsetsAdmin admin = new OffsetsAdmin(config, requestTimeout, clock);
      opened.add(admin);
      Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(
          consumerProperties(config, settings.ackGroup(), requestTimeout),
          new ByteArrayDeserializer(), new ByteArrayDeserializer());
      opened.add(consumer);
      KafkaAggregateWriter writer = new KafkaAggregateWriter(config, settings.aggregateTopic(), requestTimeout);
      opened.add(writer);
      return new Aggregator(settings.monitorTopic(), settings.monitorGroupsFile(), settings.ackGroup(),
          new AggregationStatusReader(admin, settings.monitorTopic(), settings.ackGroup()),
          consumer, writer, clock, requestTimeout, opened, metrics);
    } catch (RuntimeException e) {
      closeAll(opened, e);
      throw e;
    }
  }

  /**
   * For testing: collaborators given; closing closes {@code consumer} and {@code writer}.
   */
  Aggregator(String topic, Path groupsFile, String ackGroup, AggregationStatusSource status,
      Consumer<byte[], byte[]> consumer, AggregateWriter writer, Clock clock, Duration copyTimeout) {
    this(topic, groupsFile, ackGroup, status, consumer, writer, clock, copyTimeout, ReplicationMetrics.none());
  }

  /** For testing: as the other, reporting to {@code metrics}. */
  Aggregator(String topic, Path groupsFile, String ackGroup, AggregationStatusSource status,
      Consumer<byte[], byte[]> consumer, AggregateWriter writer, Clock clock, Duration copyTimeout,
      ReplicationMetrics metrics) {
    this(topic, groupsFile, ackGroup, status, consumer, writer, clock, copyTimeout, List.of(consumer, writer), metrics);
  }

  private Aggregator(String topic, Path groupsFile, String ackGroup, AggregationStatusSource status,
      Consumer<byte[], byte[]> consumer, AggregateWriter writer, Clock clock, Duration copyTimeout,
      List<AutoCloseable> owned, ReplicationMetrics metrics) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.groupsFile = Objects.requireNonNull(groupsFile, "groupsFile");
    this.ackGroup = Objects.requireNonNull(ackGroup, "ackGroup");
    this.status = Objects.requireNonNull(status, "status");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.writer = Objects.requireNonNull(writer, "writer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.copyTimeout = Objects.requireNonNull(copyTimeout, "copyTimeout");
    this.owned = List.copyOf(owned);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  static Map<String, Object> consumerProperties(KafkaClientConfig config, String ackGroup, Duration timeout) {
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    Map<String, Object> props = config.toClientProperties();
    props.put(ConsumerConfig.GROUP_ID_CONFIG, ackGroup);
    // SPEC 2.2: the offset moves only after the copy is acknowledged, by an explicit commit.
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Every read starts at an explicit seek; an offset that vanished (retention) between reading
    // the status and seeking must fail, not silently jump.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    // Windows are read one partition after the other; a fetch left waiting on the previous
    // partition (the broker holds it up to fetch.max.wait.ms when no data is there) delays the next.
    props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    return props;
  }

  /**
   * One poll: re-reads the groups file, then copies every record all its groups acknowledged and
   * the aggregator has not copied yet.
   *
   * @param stopRequested checked between records; when it turns true the record in hand is
   *     finished (written and committed) and the call returns
   * @return how many records were copied (0 when nothing was pending or the groups file is
   *     unusable)
   * @throws ReplicationLogUnavailableException when Kafka cannot be read or written in time; the
   *     records copied before the failure stay committed
   */
  @Override
  public int synchronize(BooleanSupplier stopRequested) throws ReplicationLogUnavailableException {
    List<String> groups = monitoredGroups();
    if (groups.isEmpty()) {
      return 0;
    }
    AggregationStatus now = status.read(groups);
    List<PartitionStatus> pending = now.partitions().stream().filter(p -> p.toCopy() > 0).toList();
    for (PartitionStatus p : now.partitions()) {
      report(p);
      if (p.lostToRetention() > 0) {
        log.error("{} records of topic={} partition={} below offset {} were removed by retention before they "
            + "were copied; they cannot be aggregated", p.lostToRetention(), topic, p.partition(), p.beginningOffset());
      }
      if (p.consumedOffset() > p.endOffset()) {
        log.warn("a monitored group stands at offset {} beyond the end {} of topic={} partition={}; copying up to the end",
            p.consumedOffset(), p.endOffset(), topic, p.partition());
      }
    }
    if (pending.isEmpty()) {
      return 0;
    }
    long total = pending.stream().mapToLong(PartitionStatus::toCopy).sum();
    // The original's line, so log searches keep working.
    log.info("{} unacked messages in {} partition: [{}]", total, pending.size(),
        String.join(", ", pending.stream().map(p -> Integer.toString(p.partition())).toList()));
    int copied = 0;
    for (PartitionStatus p : pending) {
      if (stopRequested.getAsBoolean()) {
        break;
      }
      copied += copyPartition(p, stopRequested);
    }
    return copied;
  }

  private void report(PartitionStatus p) {
    if (seenPartitions.add(p.partition())) {
      metrics.assigned(p.partition());
    }
    metrics.committed(p.partition(), p.ackedOffset());
    metrics.lag(p.partition(), p.behind(), OptionalDouble.empty());
  }

  /** The groups to wait for, or empty (logged) when the file is unusable. */
  private List<String> monitoredGroups() {
    List<String> groups;
    String note;
    try {
      groups = new ArrayList<>(MonitoredGroups.read(groupsFile).groups());
      if (groups.remove(ackGroup)) {
        logOnChange("ack:" + groups, () -> log.warn("{} lists the aggregator's own group {}; ignoring that line",
            groupsFile, ackGroup));
      }
      note = groups.isEmpty() ? "empty" : "groups:" + groups;
    } catch (GroupsFileException e) {
      String message = e.getMessage();
      logOnChange("error:" + message, () -> log.warn("{}; nothing is copied until it lists the mirrors' groups", message));
      return List.of();
    }
    if (groups.isEmpty()) {
      logOnChange(note, () -> log.warn("consumer groups file {} lists no group but the aggregator's own; nothing is copied",
          groupsFile));
      return List.of();
    }
    List<String> listed = groups;
    logOnChange(note, () -> log.info("copying records of topic={} acknowledged by consumer groups {} (from {})",
        topic, listed, groupsFile));
    return groups;
  }

  /** Logs only when the state of the groups file changed, not on every poll (once a second). */
  private void logOnChange(String note, Runnable logLine) {
    if (!note.equals(lastGroupsNote)) {
      lastGroupsNote = note;
      logLine.run();
    }
  }

  private int copyPartition(PartitionStatus p, BooleanSupplier stopRequested) throws ReplicationLogUnavailableException {
    TopicPartition tp = new TopicPartition(topic, p.partition());
    long next = p.copyFrom();
    long end = p.copyTo();
    int copied = 0;
    try {
      consumer.assign(List.of(tp));
      consumer.seek(tp, next);
      long deadline = System.nanoTime() + copyTimeout.toNanos();
      while (next < end) {
        if (stopRequested.getAsBoolean()) {
          return copied;
        }
        boolean progressed = false;
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL_TIMEOUT).records(tp)) {
          if (r.offset() >= end) {
            break;
          }
          if (r.offset() < next) {
            continue;
          }
          Instant began = clock.instant();
          Copied c = copy(r);
          // SPEC 2.2: commit only after the copy is acknowledged (copy() returned).
          commit(tp, r.offset() + 1);
          next = r.offset() + 1;
          copied++;
          metrics.eventHandled(p.partition(), c.kind(), EventOutcome.APPLIED, Duration.between(began, clock.instant()));
          long behind = Math.max(0, p.consumedOffset() - next);
          metrics.lag(p.partition(), behind, behind == 0 ? OptionalDouble.empty() : c.created());
          progressed = true;
          if (stopRequested.getAsBoolean()) {
            return copied;
          }
        }
        if (next < end && consumer.position(tp) >= end) {
          // Offsets in [next, end) hold no records (transaction markers, compaction): nothing to copy,
          // and committing end keeps the lag check from reporting a lag that never clears.
          commit(tp, end);
          next = end;
        }
        if (progressed) {
          deadline = System.nanoTime() + copyTimeout.toNanos();
        } else if (next < end && System.nanoTime() > deadline) {
          throw new ReplicationLogUnavailableException("cannot read topic=" + topic + " partition=" + p.partition()
              + " from offset " + next + ": no record within " + copyTimeout.toMillis() + " ms (copying up to offset "
              + end + ")");
        }
      }
    } catch (KafkaException e) {
      throw new ReplicationLogUnavailableException("cannot copy topic=" + topic + " partition=" + p.partition()
          + " from offset " + next + ": " + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    }
    return copied;
  }

  /** What a copy was of: its event's wire name ({@code unknown} when undecodable) and {@code _created}. */
  private record Copied(String kind, OptionalDouble created) {}

  private Copied copy(ConsumerRecord<byte[], byte[]> r) throws ReplicationLogUnavailableException {
    RecordCoordinates at = new RecordCoordinates(r.topic(), r.partition(), r.offset());
    byte[] value;
    Copied copied;
    try {
      Message source = WireCodec.decode(r.value(), at);
      copied = new Copied(source.event().kind().wireName(), source.created());
      Message copy = copyOf(source, r.partition(), secondsSinceEpoch(clock.instant()));
      if (source.created().isEmpty()) {
        log.warn("record at {} has no _created; its copy has no _original_created", at);
      }
      value = WireCodec.encode(copy);
      // The original's line (payload_log_display), plus the coordinates.
      log.info("copying {} from partition {} offset {}", EventDisplay.of(source.event()), r.partition(), r.offset());
    } catch (UndecodableRecordException e) {
      // Invariant 3: copy unchanged rather than drop or wedge.
      log.error("{}; copying its bytes unchanged (without _original_created/_original_partition) so nothing is lost; "
          + "readers of the aggregate topic will find it undecodable too", e.getMessage());
      value = r.value();
      copied = new Copied(ReplicationMetrics.UNKNOWN_KIND, OptionalDouble.empty());
    }
    RecordCoordinates written = writer.write(r.key(), value);
    log.debug("copied {} to {}", at, written);
    return copied;
  }

  private void commit(TopicPartition tp, long offset) throws ReplicationLogUnavailableException {
    try {
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset)), copyTimeout);
      metrics.committed(tp.partition(), offset);
    } catch (KafkaException e) {
      throw new ReplicationLogUnavailableException("copied the record before offset " + offset + " of topic=" + topic
          + " partition=" + tp.partition() + " but cannot commit group " + ackGroup + " (it will be copied again): "
          + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
    }
  }

  /**
   * The copy of {@code source}: every field kept, {@code _original_created} = the source's
   * {@code _created} (removed when the source has none, so no stale value survives), {@code
   * _original_partition} = {@code sourcePartition}, {@code _created} = {@code now}.
   */
  static Message copyOf(Message source, int sourcePartition, double now) {
    TreeMap<String, JsonNode> extras = new TreeMap<>(source.extraFields());
    if (source.created().isPresent()) {
      extras.put(Message.ORIGINAL_CREATED, JsonNodeFactory.instance.numberNode(source.created().getAsDouble()));
    } else {
      extras.remove(Message.ORIGINAL_CREATED);
    }
    extras.put(Message.ORIGINAL_PARTITION, JsonNodeFactory.instance.numberNode(sourcePartition));
    return new Message(source.event(), OptionalDouble.of(now), extras);
  }

  /** Seconds since the epoch with microsecond precision, as Python's {@code time.time()} gives it. */
  static double secondsSinceEpoch(Instant now) {
    long micros = Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000L), now.getNano() / 1_000);
    return micros / 1e6;
  }

  @Override
  public void close() {
    closeAll(owned, null);
  }

  private static void closeAll(List<AutoCloseable> resources, RuntimeException primary) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        if (primary != null) {
          primary.addSuppressed(e);
        } else {
          log.warn("closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
        }
      }
    }
  }
}
