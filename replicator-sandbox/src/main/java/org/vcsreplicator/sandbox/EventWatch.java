package org.vcsreplicator.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.consumer.EventDisplay;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * Reads every record of the three topics from the beginning, as it is written, and prints it: the
 * events flowing from the producer ({@code pushdata}) through both aggregators. Joins no group and
 * commits nothing, so it changes no lag the aggregators look at.
 *
 * <p>Heartbeats are printed on {@code pushdata} (the producer writes two per push to prove the log
 * is writable) and counted, not printed, on the aggregated topics.
 *
 * <p>Thread-safety: {@link #run()} on its own thread; {@link #stop()} from any thread.
 */
final class EventWatch {
  private final KafkaConsumer<byte[], byte[]> kafka;
  private final Map<String, Integer> topics;
  private final String sourceTopic;
  private final Progress progress;
  private final Observations observations;
  private final Consumer<Observations.SeenEvent> listener;

  /**
   * @param topics topic name to partition count, in display order; the first is the producer's
   * @param listener told of every record after it is recorded (on the watch thread)
   */
  EventWatch(String bootstrapServers, Map<String, Integer> topics, Progress progress, Observations observations,
      Consumer<Observations.SeenEvent> listener) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sandbox-event-watch");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.kafka = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topics = topics;
    this.sourceTopic = topics.keySet().iterator().next();
    this.progress = progress;
    this.observations = observations;
    this.listener = listener;
  }

  /** Reads until {@link #stop()}; returns how it ended. */
  String run() {
    try (kafka) {
      List<TopicPartition> all = new ArrayList<>();
      topics.forEach((t, n) -> {
        for (int i = 0; i < n; i++) {
          all.add(new TopicPartition(t, i));
        }
      });
      kafka.assign(all);
      kafka.seekToBeginning(all);
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : kafka.poll(Duration.ofMillis(200))) {
          show(r);
        }
      }
    } catch (WakeupException e) {
      return "stopped";
    }
  }

  private void show(ConsumerRecord<byte[], byte[]> r) {
    RecordCoordinates at = new RecordCoordinates(r.topic(), r.partition(), r.offset());
    Message m;
    try {
      m = WireCodec.decode(r.value(), at);
    } catch (UndecodableRecordException e) {
      progress.say("kafka", where(r) + " UNDECODABLE: " + e.getMessage());
      return;
    }
    Observations.SeenEvent seen = new Observations.SeenEvent(r.topic(), r.partition(), r.offset(), m);
    observations.event(seen);
    boolean source = r.topic().equals(sourceTopic);
    if (source || !(m.event() instanceof Heartbeat)) {
      String origin = source ? "" : m.originalPartition().isPresent()
          ? "  (copied from partition " + m.originalPartition().getAsInt() + ")" : "";
      progress.say("kafka", where(r) + " " + EventDisplay.of(m.event()) + origin);
    }
    listener.accept(seen);
  }

  private String where(ConsumerRecord<?, ?> r) {
    return topics.get(r.topic()) > 1 ? r.topic() + "[" + r.partition() + "]@" + r.offset() : r.topic() + "@" + r.offset();
  }

  void stop() {
    kafka.wakeup();
  }
}
