package org.vcsreplicator.aggregator;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * {@link AggregateWriter} over a Kafka producer: partition 0 of the aggregate topic, {@code
 * acks=all}, idempotent, one record in flight per call, every wait bounded by the ack timeout.
 *
 * <p>Works on bytes rather than on {@code Message}s so that a record this version cannot decode is
 * still copied unchanged (see {@link Aggregator}).
 *
 * <p>Thread-safe (the Kafka producer is).
 */
public final class KafkaAggregateWriter implements AggregateWriter {
  /** The aggregate topic has a single partition: one total order of notifications. */
  static final int AGGREGATE_PARTITION = 0;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Duration ackTimeout;

  /**
   * @param config the cluster
   * @param topic the aggregate topic
   * @param ackTimeout the longest one write may wait for its acknowledgement; positive
   */
  public KafkaAggregateWriter(KafkaClientConfig config, String topic, Duration ackTimeout) {
    this(new KafkaProducer<>(properties(config, ackTimeout), new ByteArraySerializer(), new ByteArraySerializer()),
        topic, ackTimeout);
  }

  // visible for testing
  KafkaAggregateWriter(Producer<byte[], byte[]> producer, String topic, Duration ackTimeout) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
  }

  static Map<String, Object> properties(KafkaClientConfig config, Duration ackTimeout) {
    if (ackTimeout.isNegative() || ackTimeout.isZero() || ackTimeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("ack timeout must be between 1 ms and " + Integer.MAX_VALUE + " ms, got " + ackTimeout);
    }
    int ms = (int) ackTimeout.toMillis();
    Map<String, Object> props = config.toClientProperties();
    // The original's req_acks=-1: a copy counts only once every in-sync replica has it, because the
    // source offset is committed right after.
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // Metadata wait, one request and all retries each fit in the ack timeout (Kafka requires
    // delivery.timeout.ms >= linger.ms + request.timeout.ms, which equal values satisfy).
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms);
    return props;
  }

  @Override
  public RecordCoordinates write(byte[] key, byte[] value) throws ReplicationLogUnavailableException {
    long deadline = System.nanoTime() + ackTimeout.toNanos();
    String what = "cannot copy a record to topic=" + topic + " partition=" + AGGREGATE_PARTITION;
    try {
      RecordMetadata md = producer.send(new ProducerRecord<>(topic, AGGREGATE_PARTITION, key, value))
          .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return new RecordCoordinates(md.topic(), md.partition(), md.offset());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new ReplicationLogUnavailableException(what + ": " + describe(cause), cause);
    } catch (KafkaException e) {
      throw new ReplicationLogUnavailableException(what + ": " + describe(e), e);
    } catch (TimeoutException e) {
      throw new ReplicationLogUnavailableException(what + ": no acknowledgement within " + ackTimeout.toMillis()
          + " ms (the record may still be written)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicationLogUnavailableException(what + ": interrupted (the record may still be written)", e);
    }
  }

  private static String describe(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  @Override
  public void close() {
    producer.close(ackTimeout);
  }
}
