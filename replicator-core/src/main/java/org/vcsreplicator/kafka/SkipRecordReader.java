package org.vcsreplicator.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.skip.MalformedSkipRecordException;
import org.vcsreplicator.skip.SkipRecord;
import org.vcsreplicator.skip.SkipRecordCodec;

/**
 * Reads the skip audit topic from its beginning to its end (as of the call), for {@code skipped
 * list} and {@code skipped replay}. Joins no group and commits nothing. A value that is not a skip
 * record is left out with a WARN line naming its offset.
 *
 * <p>Thread-safe: every call has its own consumer.
 */
public final class SkipRecordReader {
  private static final Logger log = LoggerFactory.getLogger(SkipRecordReader.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaClientConfig config;
  private final String auditTopic;
  private final Duration timeout;

  /**
   * @param timeout bound for the whole read; positive
   */
  public SkipRecordReader(KafkaClientConfig config, String auditTopic, Duration timeout) {
    this.config = Objects.requireNonNull(config, "config");
    this.auditTopic = Objects.requireNonNull(auditTopic, "auditTopic");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The reader of a consumer's {@code skip_topic}, bounded by {@link SkipRecorder#DEFAULT_TIMEOUT}. */
  public static SkipRecordReader forSettings(ConsumerSettings settings) {
    return new SkipRecordReader(KafkaClientConfig.from(settings.kafka()), settings.skipTopic(),
        SkipRecorder.DEFAULT_TIMEOUT);
  }

  /** The topic read; never null. */
  public String auditTopic() {
    return auditTopic;
  }

  /**
   * Every record of the audit topic, oldest first; empty when the topic does not exist (nothing
   * was ever skipped).
   *
   * @throws org.apache.kafka.common.KafkaException when the broker does not answer within the
   *     timeout
   */
  public List<SkipRecord> readAll() {
    Map<String, Object> props = config.toClientProperties();
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      List<PartitionInfo> infos = consumer.partitionsFor(auditTopic, timeout);
      if (infos == null || infos.isEmpty()) {
        return List.of();
      }
      infos.forEach(p -> partitions.add(new TopicPartition(auditTopic, p.partition())));
      // Assigned before asking for the end offsets, or the client warns it cannot track them.
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
      List<SkipRecord> out = new ArrayList<>();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, timeout) < ends.get(tp))) {
        if (System.nanoTime() - deadline > 0) {
          throw new TimeoutException("could not read the skip records of " + auditTopic + " within "
              + timeout.toSeconds() + "s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          if (r.offset() >= ends.get(new TopicPartition(r.topic(), r.partition()))) {
            continue;
          }
          try {
            out.add(SkipRecordCodec.decode(r.value()));
          } catch (MalformedSkipRecordException e) {
            log.warn("ignoring a value that is not a skip record at topic={} partition={} offset={}: {}",
                r.topic(), r.partition(), r.offset(), e.getMessage());
          }
        }
      }
      // Log order in the one partition we create; by time if an operator made more.
      if (partitions.size() > 1) {
        out.sort(Comparator.comparing(SkipRecord::time));
      }
      return List.copyOf(out);
    }
  }
}
