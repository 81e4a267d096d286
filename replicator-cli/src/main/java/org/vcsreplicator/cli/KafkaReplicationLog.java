package org.vcsreplicator.cli;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.producer.ReplicationLog;
import org.vcsreplicator.producer.ReplicationLogException;

/**
 * {@link ReplicationLog} on one long-lived {@link KafkaProducer}: stamps {@code _created}, sets
 * the record key to the wire path, and waits for the acknowledgement at most {@code ackTimeout}.
 * Thread-safe (KafkaProducer is).
 */
final class KafkaReplicationLog implements ReplicationLog, AutoCloseable {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Duration ackTimeout;
  private final Clock clock;

  KafkaReplicationLog(Map<String, Object> kafkaConfig, String topic, Duration ackTimeout, Clock clock) {
    this(new KafkaProducer<>(kafkaConfig, new ByteArraySerializer(), new ByteArraySerializer()), topic, ackTimeout, clock);
  }

  // visible for testing
  KafkaReplicationLog(Producer<byte[], byte[]> producer, String topic, Duration ackTimeout, Clock clock) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public void write(int partition, Event event) throws ReplicationLogException {
    Message message = Message.of(event).withCreated(clock.millis() / 1000.0);
    byte[] key = event.repo().map(p -> p.value().getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElse(null);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition, key, WireCodec.encode(message));
    try {
      producer.send(record).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ReplicationLogException("no acknowledgement from " + topic + " partition " + partition
          + " within " + ackTimeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      throw new ReplicationLogException("writing to " + topic + " partition " + partition + " failed: "
          + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReplicationLogException("interrupted while writing to " + topic + " partition " + partition, e);
    } catch (org.apache.kafka.common.KafkaException e) {
      // send() itself throws when metadata does not arrive within max.block.ms.
      throw new ReplicationLogException("writing to " + topic + " partition " + partition + " failed: " + e, e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
