package org.vcsreplicator.producer;

import java.util.Objects;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.message.Event;

/**
 * {@link ReplicationLog} on a Kafka topic through one long-lived {@link EventProducer}: each write
 * is acknowledged by all in-sync replicas within the producer's ack timeout, or fails. Thread-safe.
 */
public final class EventProducerLog implements ReplicationLog {
  private final EventProducer producer;
  private final String topic;

  /**
   * @param producer shared, owned by the caller (who closes it)
   * @param topic the replication log topic ({@code [replicationproducer] topic})
   */
  public EventProducerLog(EventProducer producer, String topic) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  @Override
  public void write(int partition, Event event) throws ReplicationLogException {
    try {
      producer.send(topic, partition, event);
    } catch (ReplicationLogUnavailableException e) {
      throw new ReplicationLogException(e.getMessage(), e);
    }
  }
}
