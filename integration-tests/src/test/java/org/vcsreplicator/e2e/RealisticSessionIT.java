package org.vcsreplicator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.pulse.AmqpBrokerFixture;

/**
 * The whole system through a realistic session ({@link Workload}: 10 repositories over 8
 * partitions, 200 pushes with bookmarks and phase changes, hgrc updates, a sync, a delete) with
 * two mirrors deployed the two ways the original's mirrors were: {@code hgweb1} with one consumer
 * per partition, {@code hgweb2} with one consumer for all partitions; both heads consumers, both
 * aggregators and the Pulse notifier running. At the end every mirror equals the master, every
 * notification arrived in order, and no group lags.
 */
class RealisticSessionIT {
  private static final Logger log = LoggerFactory.getLogger(RealisticSessionIT.class);

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();
  @RegisterExtension static AmqpBrokerFixture amqp = new AmqpBrokerFixture();

  /** 20 pushes to each of the 10 repositories: 200. */
  static final int PUSHES_PER_REPO = Integer.getInteger("e2e.pushesPerRepo", 20);

  @TempDir Path tmp;

  @Test
  void everyMirrorEqualsTheMasterAndEveryNotificationArrivesInOrder() throws Exception {
    try (LogCapture logs = new LogCapture();
         Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1", "hgweb2"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      long t0 = System.nanoTime();
      d.startMaster();
      d.startHeadsConsumers();
      d.mirror(0).startConsumerPerPartition(Deployment.PARTITIONS, Daemon.Restart.ALWAYS).forEach(d::track);
      d.track(d.mirror(1).startConsumer(Optional.empty(), Daemon.Restart.ALWAYS));
      long t1 = System.nanoTime();

      Workload session = new Workload(d.master, client, 42);
      // A mirror behind on a repository when it is deleted stops there (see the incident IT).
      session.beforeDelete(() -> d.awaitMirrorsCaughtUp(Duration.ofMinutes(2)));
      session.run(PUSHES_PER_REPO, 3, n -> {});
      long t2 = System.nanoTime();
      d.awaitNoLag(Duration.ofMinutes(3));
      long t3 = System.nanoTime();
      log.info("session: start {} ms, {} pushes in {} ms, replication caught up {} ms after the last push",
          (t1 - t0) / 1_000_000, session.pushes(), (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000);

      assertEquals(PUSHES_PER_REPO * Workload.REPOS.size(), session.pushes());
      Convergence.assertMirrorsEqualMaster(d, Workload.liveRepos(), List.of(Workload.deletedRepo()));
      Convergence.assertNotifications(d, session.expected(), List.of(Workload.deletedRepo()));
      log.info("repo-hash compared: {}", Convergence.assertRepoHashesEqual(d, Workload.liveRepos()));
      assertEquals(List.of(), d.notifier().exits(), "the notifier never stopped");
      assertEquals(List.of(), logs.lines().stream()
          .filter(l -> l.level() == Level.ERROR && !l.logger().startsWith("org.apache")).toList(),
          "no ERROR lines from the replication");
    }
  }
}
