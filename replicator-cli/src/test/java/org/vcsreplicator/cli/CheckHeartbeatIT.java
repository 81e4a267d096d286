package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.Heartbeat;

/**
 * {@code check-heartbeat CONFIG} (the original's {@code check_kafka_hg_heartbeat}) against a real
 * broker: OK with every mapped partition written, CRITICAL naming each partition when the log is
 * unavailable, UNKNOWN (3) for usage and configuration errors.
 */
class CheckHeartbeatIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  @TempDir Path tmp;

  Path config(String topic, String partitionMap) throws Exception {
    return Files.writeString(tmp.resolve("producer.ini"), String.join("\n",
        "[replicationproducer]",
        "hosts = " + kafka.bootstrapServers(),
        "clientid = nagios",
        "topic = " + topic,
        partitionMap,
        "reqacks = -1",
        "acktimeout = 1500",
        ""));
  }

  @Test
  void okWhenEveryMappedPartitionTakesAHeartbeat() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    Path config = config(topic, "partitionmap.0try = 4:\\{moz\\}\\/try\npartitionmap.2main = 0,1,2,3:.*");

    CommandRun r = CommandRun.run("check-heartbeat", config.toString());

    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("OK - heartbeat message sent to 5/5 partitions successfully\n", r.out());
    List<Integer> written = kafka.readAll(topic).stream()
        .filter(s -> s.message().event().equals(new Heartbeat())).map(EmbeddedKafka.StoredRecord::partition).toList();
    assertEquals(List.of(0, 1, 2, 3, 4), written);
  }

  @Test
  void criticalNamesEveryPartitionWhenTheBrokerIsDown() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    Path config = config(topic, "partitionmap.2main = 0,1,2,3,4,5,6,7:.*");
    kafka.stopBroker();

    CommandRun r = CommandRun.run("check-heartbeat", config.toString());

    assertEquals(2, r.exitCode(), r.toString());
    for (int p = 0; p < 8; p++) {
      assertTrue(r.lines().get(p).startsWith("CRITICAL - error writing to partition " + p + ": "), r.toString());
    }
    assertEquals("heartbeat message sent to 0/8 partitions successfully", r.lines().get(9));
    assertTrue(r.out().endsWith(String.join("\n", CheckHeartbeatCommand.FOOTER) + "\n"), r.out());
    assertTrue(r.millis() < 10_000, "answers within Nagios' patience: " + r.millis() + " ms");
  }

  @Test
  void criticalWhenTheTopicDoesNotExist() throws Exception {
    Path config = config(kafka.uniqueTopic("missing"), "partitionmap.2main = 0,1:.*");

    CommandRun r = CommandRun.run("check-heartbeat", config.toString());

    assertEquals(2, r.exitCode(), r.toString());
    assertTrue(r.lines().get(0).startsWith("CRITICAL - error writing to partition 0: "), r.toString());
    assertTrue(r.lines().get(1).startsWith("CRITICAL - error writing to partition 1: "), r.toString());
  }

  @Test
  void unknownForAnInvalidConfigOrBadUsage() throws Exception {
    Path bad = Files.writeString(tmp.resolve("bad.ini"), "[replicationproducer]\nhosts = localhost:1\nclientid = x\n");

    CommandRun invalid = CommandRun.run("check-heartbeat", bad.toString());
    assertEquals(3, invalid.exitCode(), invalid.toString());
    assertTrue(invalid.out().startsWith("UNKNOWN - ") && invalid.out().contains("replicationproducer.topic config option not set"),
        invalid.out());

    CommandRun missing = CommandRun.run("check-heartbeat", tmp.resolve("nope.ini").toString());
    assertEquals(3, missing.exitCode(), missing.toString());
    assertTrue(missing.out().startsWith("UNKNOWN - "), missing.out());

    CommandRun usage = CommandRun.run("check-heartbeat");
    assertEquals(3, usage.exitCode(), usage.toString());
    assertTrue(usage.out().startsWith("UNKNOWN - Missing required parameter"), usage.out());

    CommandRun help = CommandRun.run("check-heartbeat", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("Exit codes:"), help.out());
  }
}
