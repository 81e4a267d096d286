package org.vcsreplicator.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What one "JVM per hook" invocation costs (docs/producer-design.md): {@code noop} only starts
 * the JVM and returns; {@code picocli} also parses a command line through our real
 * {@code Main}; {@code send BOOTSTRAP} creates a KafkaProducer and sends one heartbeat record,
 * as a per-hook JVM would have to.
 */
public final class JvmHookBench {
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "noop":
        return;
      case "picocli":
        org.vcsreplicator.cli.Main.commandLine().execute("--version");
        return;
      case "send":
        long t0 = System.nanoTime();
        Properties p = new Properties();
        p.put("bootstrap.servers", args[1]);
        p.put("acks", "all");
        p.put("linger.ms", "0");
        p.put("client.id", "bench");
        try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
          long t1 = System.nanoTime();
          String json = "1\n{\"_created\": " + (System.currentTimeMillis() / 1000.0) + ", \"name\": \"heartbeat-1\"}";
          producer.send(new ProducerRecord<>("pushdata", 0, null, json.getBytes(StandardCharsets.UTF_8))).get();
          long t2 = System.nanoTime();
          producer.close();
          long t3 = System.nanoTime();
          System.err.printf("create=%dms firstSend=%dms close=%dms%n",
              (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);
        }
        return;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }
}
