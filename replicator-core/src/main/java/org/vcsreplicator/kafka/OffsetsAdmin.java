package org.vcsreplicator.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * Reads and sets consumer-group offsets of a replication topic: per partition, where the log
 * begins and ends, where each group stands, and how far behind it is in messages and in seconds
 * (the original's {@code consumer_offsets_and_lag}).
 *
 * <p>Uses the Kafka {@link Admin} client, plus, only when some partition lags, a short-lived
 * group-less consumer that reads the record at the committed offset for its {@code _created}. It
 * never joins a consumer group and never commits, except through {@link #commitOffsets}.
 *
 * <p>Thread-safe: the Admin client is, and each call makes its own consumer.
 */
public final class OffsetsAdmin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OffsetsAdmin.class);

  private final Admin admin;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final Duration timeout;
  private final Clock clock;

  /**
   * An admin for the cluster in {@code config}.
   *
   * @param timeout bound for each request to the cluster, and for reading all the records a
   *     {@link #lag(Collection, String)} call needs; positive
   * @param clock "now" for lag in seconds
   */
  public OffsetsAdmin(KafkaClientConfig config, Duration timeout, Clock clock) {
    this(Admin.create(adminProperties(config, timeout)), () -> newRecordReader(config, timeout), timeout, clock);
  }

  private OffsetsAdmin(Admin admin, Supplier<Consumer<byte[], byte[]>> consumers, Duration timeout, Clock clock) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.consumers = Objects.requireNonNull(consumers, "consumers");
    this.timeout = checkTimeout(timeout);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  private static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("timeout must be between 1 ms and " + Integer.MAX_VALUE + " ms, got " + timeout);
    }
    return timeout;
  }

  private static Map<String, Object> adminProperties(KafkaClientConfig config, Duration timeout) {
    int ms = (int) checkTimeout(timeout).toMillis();
    Map<String, Object> props = config.toClientProperties();
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    return props;
  }

  private static Consumer<byte[], byte[]> newRecordReader(KafkaClientConfig config, Duration timeout) {
    int ms = (int) timeout.toMillis();
    Map<String, Object> props = config.toClientProperties();
    // No group: this consumer only looks at one record per partition and must never commit.
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A committed offset below the log start (records deleted by retention) is reported as
    // unreadable instead of silently reading some other record.
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The beginning and end offset of every partition of {@code topic}.
   *
   * @return offsets by partition, ascending; never null
   * @throws ReplicationLogUnavailableException if the topic does not exist or the cluster does not
   *     answer within the timeout
   */
  public SortedMap<Integer, PartitionOffsets> logOffsets(String topic) throws ReplicationLogUnavailableException {
    List<TopicPartition> partitions = partitionsOf(topic);
    Map<TopicPartition, ListOffsetsResultInfo> earliest = listOffsets(topic, partitions, OffsetSpec.earliest());
    Map<TopicPartition, ListOffsetsResultInfo> latest = listOffsets(topic, partitions, OffsetSpec.latest());
    SortedMap<Integer, PartitionOffsets> out = new TreeMap<>();
    for (TopicPartition tp : partitions) {
      out.put(tp.partition(),
          new PartitionOffsets(topic, tp.partition(), earliest.get(tp).offset(), latest.get(tp).offset()));
    }
    return out;
  }

  /**
   * The offsets {@code group} has committed on {@code topic}: only partitions it committed on.
   *
   * @return committed offset (the next offset to read) by partition, ascending; never null, empty
   *     for a group that does not exist
   */
  public SortedMap<Integer, Long> committedOffsets(String group, String topic) throws ReplicationLogUnavailableException {
    List<TopicPartition> partitions = partitionsOf(topic);
    return committedOffsets(List.of(group), topic, partitions).get(group);
  }

  /** {@link #lag(Collection, String)} for one group. */
  public List<PartitionLag> lag(String group, String topic) throws ReplicationLogUnavailableException {
    return lag(List.of(group), topic);
  }

  /**
   * Where each group stands on each partition of {@code topic}, and how far behind it is.
   *
   * <p>A partition a group never committed on counts as committed at the partition's beginning
   * offset (the group would start there). Lag in seconds is computed only for partitions that
   * lag, from the {@code _created} of the record at the committed offset; all those reads share
   * one timeout, and a record not read in time (or not decodable) gives an empty lag in seconds.
   *
   * @return one entry per group and partition, by group in the given order, then by partition;
   *     never null
   * @throws ReplicationLogUnavailableException if the topic does not exist or the cluster does not
   *     answer within the timeout
   */
  public List<PartitionLag> lag(Collection<String> groups, String topic) throws ReplicationLogUnavailableException {
    List<String> uniqueGroups = List.copyOf(new LinkedHashSet<>(groups));
    SortedMap<Integer, PartitionOffsets> logOffsets = logOffsets(topic);
    List<TopicPartition> partitions = new ArrayList<>();
    logOffsets.keySet().forEach(p -> partitions.add(new TopicPartition(topic, p)));
    Map<String, SortedMap<Integer, Long>> committed = committedOffsets(uniqueGroups, topic, partitions);

    List<PartitionLag> out = new ArrayList<>();
    try (RecordAges ages = new RecordAges(topic)) {
      for (String group : uniqueGroups) {
        for (PartitionOffsets po : logOffsets.values()) {
          long offset = committed.get(group).getOrDefault(po.partition(), po.beginningOffset());
          long lagMessages = Math.max(0, po.endOffset() - offset);
          OptionalDouble lagSeconds =
              lagMessages == 0 ? OptionalDouble.of(0.0) : ages.secondsSinceCreated(po.partition(), offset);
          out.add(new PartitionLag(topic, group, po.partition(), offset, po.endOffset(), lagMessages, lagSeconds));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Sets the committed offsets of {@code group} on the given partitions of {@code topic} (the next
   * offset the group will read). Used to skip an event of a stopped consumer and to start a new
   * mirror from a snapshot.
   *
   * <p>Kafka accepts this only while the group has no active members: stop the group's consumers
   * first. Partitions not named keep their offsets.
   *
   * @param offsets new committed offset by partition; offsets must be {@code >= 0}
   * @throws ReplicationLogUnavailableException if the group has active members, the topic or a
   *     partition does not exist, or the cluster does not answer within the timeout
   */
  public void commitOffsets(String group, String topic, Map<Integer, Long> offsets) throws ReplicationLogUnavailableException {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(topic, "topic");
    Map<TopicPartition, OffsetAndMetadata> request = new HashMap<>();
    offsets.forEach((partition, offset) -> {
      if (offset < 0) {
        throw new IllegalArgumentException("offset for partition " + partition + " must be >= 0, got " + offset);
      }
      request.put(new TopicPartition(topic, partition), new OffsetAndMetadata(offset));
    });
    String what = "cannot set committed offsets of group " + group + " on topic " + topic;
    List<TopicPartition> existing = partitionsOf(topic);
    for (TopicPartition tp : request.keySet()) {
      if (!existing.contains(tp)) {
        throw new ReplicationLogUnavailableException(
            what + ": partition " + tp.partition() + " does not exist (the topic has " + existing.size() + ")");
      }
    }
    // Kafka refuses offsets from outside while the group has members, with a per-partition error
    // that does not say so; check first to say it plainly.
    List<String> members = activeMembers(group, what);
    if (!members.isEmpty()) {
      throw new ReplicationLogUnavailableException(what + ": the group has " + members.size()
          + " active member(s) " + members + "; stop its consumers first");
    }
    AlterConsumerGroupOffsetsResult result =
        admin.alterConsumerGroupOffsets(group, request, new AlterConsumerGroupOffsetsOptions().timeoutMs(timeoutMs()));
    for (TopicPartition tp : request.keySet()) {
      get(result.partitionResult(tp), what + " (partition " + tp.partition() + ")");
    }
    get(result.all(), what);
    log.info("set committed offsets of group={} topic={} to {}", group, topic, new TreeMap<>(offsets));
  }

  /** Client id and host of each member of {@code group}; empty when it has none or does not exist. */
  private List<String> activeMembers(String group, String what) throws ReplicationLogUnavailableException {
    ConsumerGroupDescription d;
    try {
      d = get(admin.describeConsumerGroups(List.of(group), new DescribeConsumerGroupsOptions().timeoutMs(timeoutMs()))
          .describedGroups().get(group), what);
    } catch (ReplicationLogUnavailableException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return List.of();
      }
      throw e;
    }
    List<String> out = new ArrayList<>();
    d.members().forEach(m -> out.add(m.clientId() + "@" + m.host().replaceFirst("^/", "")));
    return out;
  }

  private List<TopicPartition> partitionsOf(String topic) throws ReplicationLogUnavailableException {
    Objects.requireNonNull(topic, "topic");
    Map<String, TopicDescription> described = get(
        admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs())).allTopicNames(),
        "cannot describe topic " + topic);
    List<TopicPartition> out = new ArrayList<>();
    for (TopicPartitionInfo info : described.get(topic).partitions()) {
      out.add(new TopicPartition(topic, info.partition()));
    }
    out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return out;
  }

  private Map<TopicPartition, ListOffsetsResultInfo> listOffsets(String topic, List<TopicPartition> partitions, OffsetSpec spec)
      throws ReplicationLogUnavailableException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    return get(admin.listOffsets(request, new ListOffsetsOptions().timeoutMs(timeoutMs())).all(),
        "cannot list offsets of topic " + topic);
  }

  private Map<String, SortedMap<Integer, Long>> committedOffsets(List<String> groups, String topic, List<TopicPartition> partitions)
      throws ReplicationLogUnavailableException {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
    for (String group : groups) {
      specs.put(Objects.requireNonNull(group, "group"), new ListConsumerGroupOffsetsSpec().topicPartitions(partitions));
    }
    Map<String, SortedMap<Integer, Long>> out = new HashMap<>();
    if (specs.isEmpty()) {
      return out;
    }
    Map<String, Map<TopicPartition, OffsetAndMetadata>> all = get(
        admin.listConsumerGroupOffsets(specs, new ListConsumerGroupOffsetsOptions().timeoutMs(timeoutMs())).all(),
        "cannot read committed offsets of groups " + groups + " on topic " + topic);
    for (String group : groups) {
      SortedMap<Integer, Long> byPartition = new TreeMap<>();
      all.getOrDefault(group, Map.of()).forEach((tp, om) -> {
        // Kafka answers null for a partition the group has no commit on.
        if (om != null && tp.topic().equals(topic)) {
          byPartition.put(tp.partition(), om.offset());
        }
      });
      out.put(group, byPartition);
    }
    return out;
  }

  private int timeoutMs() {
    return (int) timeout.toMillis();
  }

  private <T> T get(KafkaFuture<T> future, String what) throws ReplicationLogUnavailableException {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw unavailable(what, e);
    } catch (TimeoutException e) {
      throw new ReplicationLogUnavailableException(what + ": no answer from Kafka within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicationLogUnavailableException(what + ": interrupted", e);
    }
  }

  private static ReplicationLogUnavailableException unavailable(String what, ExecutionException e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String why = cause instanceof UnknownTopicOrPartitionException
        ? "the topic or partition does not exist (" + cause.getMessage() + ")"
        : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    return new ReplicationLogUnavailableException(what + ": " + why, cause);
  }

  /**
   * Reads records at given offsets for their age. Owns one consumer, made on first use; all reads
   * of one {@link #lag(Collection, String)} call share one deadline.
   */
  private final class RecordAges implements AutoCloseable {
    private final String topic;
    private final Map<RecordCoordinates, OptionalDouble> cache = new HashMap<>();
    private Consumer<byte[], byte[]> consumer;
    private long deadlineNanos;

    RecordAges(String topic) {
      this.topic = topic;
    }

    OptionalDouble secondsSinceCreated(int partition, long offset) {
      // Groups often stand at the same offset; read each record once.
      return cache.computeIfAbsent(new RecordCoordinates(topic, partition, offset), k -> read(partition, offset));
    }

    private OptionalDouble read(int partition, long offset) {
      if (consumer == null) {
        consumer = consumers.get();
        deadlineNanos = System.nanoTime() + timeout.toNanos();
      }
      TopicPartition tp = new TopicPartition(topic, partition);
      RecordCoordinates at = new RecordCoordinates(topic, partition, offset);
      try {
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        long remaining;
        while ((remaining = deadlineNanos - System.nanoTime()) > 0) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofNanos(remaining)).records(tp)) {
            // The first record at or after the offset: later only if the offset itself is gone.
            Message m = WireCodec.decode(r.value(), new RecordCoordinates(topic, partition, r.offset()));
            if (m.created().isEmpty()) {
              log.warn("cannot compute lag in seconds: record at {} has no _created", at);
              return OptionalDouble.empty();
            }
            return OptionalDouble.of(epochSeconds(clock.instant()) - m.created().getAsDouble());
          }
        }
        log.warn("cannot compute lag in seconds: record at {} not read within {} ms", at, timeout.toMillis());
      } catch (UndecodableRecordException e) {
        log.warn("cannot compute lag in seconds: {}", e.getMessage());
      } catch (KafkaException e) {
        log.warn("cannot compute lag in seconds: reading record at {} failed: {}", at, e.toString());
      }
      return OptionalDouble.empty();
    }

    @Override
    public void close() {
      if (consumer != null) {
        consumer.close(CloseOptions.timeout(timeout));
      }
    }
  }

  private static double epochSeconds(Instant now) {
    return now.getEpochSecond() + now.getNano() / 1e9;
  }

  @Override
  public void close() {
    admin.close(timeout);
  }
}
