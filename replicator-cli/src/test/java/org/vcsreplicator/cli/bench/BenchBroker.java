package org.vcsreplicator.cli.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Throwaway broker for the producer latency measurements in docs/producer-design.md: starts a
 * one-node KRaft cluster, creates topic {@code pushdata} (8 partitions), writes the bootstrap
 * address to the file given as first argument and runs until stdin closes.
 */
public final class BenchBroker {
  public static void main(String[] args) throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
        .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION).build();
    try (KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .build()) {
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      Properties p = new Properties();
      p.put("bootstrap.servers", kit.bootstrapServers());
      try (Admin admin = Admin.create(p)) {
        admin.createTopics(List.of(new NewTopic("pushdata", 8, (short) 1))).all().get();
      }
      Files.writeString(Path.of(args[0]), kit.bootstrapServers(), StandardCharsets.UTF_8);
      System.out.println("broker at " + kit.bootstrapServers());
      while (System.in.read() >= 0) {
        // run until stdin closes
      }
    }
  }
}
