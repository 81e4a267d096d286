package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.cli.ProducerSandbox.Run;
import org.vcsreplicator.cli.ProducerSandbox.Settings;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.NodeId;

/**
 * test-cluster-unavailable.t with three real brokers in this JVM: the topic has replication factor
 * 3 and {@code min.insync.replicas} 2. One broker down, even the first of {@code hosts}, changes
 * nothing; two down refuse pushes before any data is applied and {@code send-heartbeat} names
 * {@code NOT_ENOUGH_REPLICAS}; once the brokers are back, heartbeats and pushes work again without
 * restarting anything on the master (the same producer daemon throughout).
 */
class ProducerClusterOutageIT {
  @RegisterExtension static EmbeddedKafka kafka = EmbeddedKafka.withBrokers(3);

  @TempDir Path tmp;
  ProducerSandbox sandbox;
  Path master;
  Path client;

  @BeforeEach
  void start() throws Exception {
    // hosts lists broker 0 first: it is the first to go down.
    String hosts = String.join(",", kafka.bootstrapServer(0), kafka.bootstrapServer(1), kafka.bootstrapServer(2));
    sandbox = new ProducerSandbox(kafka, tmp, Settings.defaults().withHosts(hosts).withAckTimeoutMs(5000)
        .withTopic((short) 3, Map.of("min.insync.replicas", "2")));
    master = sandbox.initMaster("mozilla-central");
    client = sandbox.cloneOf(master);
  }

  @AfterEach
  void stop() throws InterruptedException {
    sandbox.close();
  }

  void assertHeartbeatsSucceed() {
    CommandRun r = CommandRun.run("send-heartbeat", sandbox.config.toString());
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals(9, r.lines().size(), r.toString());
    assertEquals("wrote heartbeat message into 8 partitions", r.lines().get(8));
    CommandRun check = CommandRun.run("check-heartbeat", sandbox.config.toString());
    assertEquals("OK - heartbeat message sent to 8/8 partitions successfully\n", check.out(), check.toString());
  }

  void assertPushLands(String file) throws Exception {
    String node = sandbox.commit(client, file, file + "\n");
    Run r = sandbox.push(client, master);
    assertEquals(0, r.exit(), r.all());
    assertEquals(node, sandbox.tip(master));
    List<Event> events = sandbox.events(2);
    assertEquals(new ChangegroupV2(ProducerSandbox.MC, "serve", 1, NodeId.listOf(node)), events.get(events.size() - 2));
  }

  @Test
  void oneBrokerDownChangesNothingTwoDownRefusesWritesAndAllComesBackWithoutRestarts() throws Exception {
    assertHeartbeatsSucceed();
    assertPushLands("a");

    kafka.stopBroker(0);
    assertHeartbeatsSucceed();
    assertPushLands("b");

    kafka.stopBroker(1);
    CommandRun heartbeat = CommandRun.run("send-heartbeat", sandbox.config.toString());
    assertEquals(255, heartbeat.exitCode(), heartbeat.toString());
    assertEquals("sending heartbeat to partition 0\n", heartbeat.out());
    assertTrue(heartbeat.err().startsWith("abort: error sending heartbeat: ")
        && heartbeat.err().contains("NOT_ENOUGH_REPLICAS"), heartbeat.err());
    CommandRun check = CommandRun.run("check-heartbeat", sandbox.config.toString());
    assertEquals(2, check.exitCode(), check.toString());
    assertTrue(check.lines().get(0).startsWith("CRITICAL - error writing to partition 0: NOT_ENOUGH_REPLICAS"),
        check.toString());

    String masterTip = sandbox.tip(master);
    sandbox.commit(client, "c", "c\n");
    int before = sandbox.events(2).size();
    Run refused = sandbox.push(client, master);
    assertEquals(255, refused.exit(), refused.all());
    assertEquals(List.of("replication log not available; all writes disabled", "pretxnopen.vcsreplicator hook failed"),
        ProducerSandbox.remoteLines(refused));
    assertTrue(refused.err().endsWith("abort: push failed on remote\n"), refused.err());
    assertEquals(masterTip, sandbox.tip(master), "master unchanged");

    kafka.restartBroker(1);
    kafka.restartBroker(0);
    assertHeartbeatsSucceed();
    Run again = sandbox.push(client, master);
    assertEquals(0, again.exit(), again.all());
    assertEquals(sandbox.tip(client), sandbox.tip(master));
    assertTrue(sandbox.events(2).size() > before);
  }
}
