package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.vcsreplicator.routing.PartitionMap;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.ProducerPathRewrites;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.producer.EventProducerLog;
import org.vcsreplicator.producer.HookServer;
import org.vcsreplicator.producer.RepoRouter;
import org.vcsreplicator.producer.ReplicationHooks;

/**
 * Producer daemon with fixed wiring for the push measurements (docs/producer-design.md):
 * repos under ARG1 map to {moz}/..., md5 over partitions 0-7, Kafka at ARG2, socket ARG3.
 */
public final class BenchProducerDaemon {
  public static void main(String[] args) throws Exception {
    String root = args[0].endsWith("/") ? args[0] : args[0] + "/";
    RepoRouter router = RepoRouter.of(
        new ProducerPathRewrites(List.of(new PrefixRewrite(root, "{moz}/"))),
        new PartitionMap(List.of(PartitionMap.Entry.parse("main", "0,1,2,3,4,5,6,7:.*"))));
    var replicationLog = new EventProducerLog(new EventProducer(KafkaClientConfig.of(args[1], "bench"),
        Duration.ofSeconds(5), Clock.systemUTC()), "pushdata");
    try (HookServer server = HookServer.start(Path.of(args[2]),
        new ReplicationHooks(router, replicationLog, Clock.systemUTC()),
        PosixFilePermissions.fromString("rw-rw-rw-"))) {
      System.out.println("listening on " + server.socket());
      while (System.in.read() >= 0) {
        // run until stdin closes
      }
    }
  }
}
