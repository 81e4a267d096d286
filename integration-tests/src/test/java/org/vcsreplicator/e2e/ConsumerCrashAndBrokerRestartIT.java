package org.vcsreplicator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.PartitionLag;
import org.vcsreplicator.pulse.AmqpBrokerFixture;

/**
 * The realistic session ({@link Workload}, here 10 pushes per repository) under two kinds of
 * trouble, each ending in the same checks as {@link RealisticSessionIT}: every mirror equals the
 * master, every notification arrived in order, no group lags.
 *
 * <ul>
 *   <li>{@code hgweb2}'s consumer runs in its own JVM ({@code consume CONFIG}) and is killed with
 *       SIGKILL (with its hg processes, as systemd kills a unit) again and again: sometimes just
 *       after it started applying a changegroup, sometimes at a random time; a supervisor
 *       restarts it each time. No event may be lost or applied wrongly (SPEC 2.2, 2.3).
 *   <li>The Kafka broker is stopped while events are in flight through the pipeline, a push is
 *       refused meanwhile (SPEC 2.4), and the broker comes back; every daemon recovers (the
 *       supervisor restarts the ones that gave up).
 * </ul>
 */
class ConsumerCrashAndBrokerRestartIT {
  private static final Logger log = LoggerFactory.getLogger(ConsumerCrashAndBrokerRestartIT.class);

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();
  @RegisterExtension static AmqpBrokerFixture amqp = new AmqpBrokerFixture();

  static final int PUSHES_PER_REPO = Integer.getInteger("e2e.disturbedPushesPerRepo", 10);
  /** Small, quick-starting JVMs for the killed consumer: it restarts many times on 2 cores. */
  static final List<String> CONSUMER_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m");
  static final Pattern PROCESSING = Pattern.compile("processing (\\S+).* from partition (\\d+) offset (\\d+)");

  @TempDir Path tmp;

  @Test
  void consumerKilledWithSigkillAtRandomMomentsEndsEqualToTheMaster() throws Exception {
    try (Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1", "hgweb2"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      d.startMaster();
      d.startHeadsConsumers();
      d.track(d.mirror(0).startConsumer(Optional.empty(), Daemon.Restart.ALWAYS));
      Mirror hgweb2 = d.mirror(1);
      AtomicReference<JavaProcess> consumer = new AtomicReference<>(
          hgweb2.startConsumerProcess(Optional.empty(), CONSUMER_JVM));
      AtomicBoolean sessionOver = new AtomicBoolean();
      List<String> kills = new ArrayList<>();
      List<String> ownExits = new ArrayList<>();
      // The supervisor of hgweb2's consumer: restarts it whenever it is gone, and kills it now and then.
      Thread supervisor = new Thread(() -> {
        Random random = new Random(7);
        while (!sessionOver.get()) {
          JavaProcess p = consumer.get();
          int from = p.logText().length();
          String moment;
          if (kills.size() % 2 == 0) {
            // Right after it starts applying a changegroup: the pull is in progress.
            moment = "applying a changegroup";
            if (awaitLog(p, from, "processing hg-changegroup-2", sessionOver)) {
              LockSupport.parkNanos(Duration.ofMillis(random.nextInt(30)).toNanos());
            }
          } else {
            moment = "at a random time";
            LockSupport.parkNanos(Duration.ofMillis(500 + random.nextInt(2500)).toNanos());
          }
          if (sessionOver.get()) {
            break;
          }
          if (p.isAlive()) {
            p.killTree();
            kills.add(moment);
            log.info("killed {} with SIGKILL {} ({} kills)", p.name(), moment, kills.size());
          } else {
            ownExits.add("exit " + p.awaitExit(Duration.ZERO).orElse(-1));
            log.warn("{} exited by itself; restarting it", p.name());
          }
          consumer.set(hgweb2.startConsumerProcess(Optional.empty(), CONSUMER_JVM));
        }
      }, "hgweb2-consumer-supervisor");
      supervisor.start();

      Workload session = new Workload(d.master, client, 11);
      session.beforeDelete(() -> d.awaitMirrorsCaughtUp(Duration.ofMinutes(2)));
      try {
        session.run(PUSHES_PER_REPO, 3, n -> {});
      } finally {
        sessionOver.set(true);
        supervisor.join(60_000);
      }
      d.track(consumer.get());
      d.awaitNoLag(Duration.ofMinutes(3));
      log.info("hgweb2's consumer was killed {} times: {}", kills.size(), kills);

      assertTrue(kills.size() >= 3, "killed at least three times: " + kills);
      assertEquals(List.of(), ownExits, "the consumer never stopped by itself");
      String consumerLog = consumer.get().logText();
      assertTrue(redelivered(consumerLog), "an event interrupted by a kill was applied again after the restart");
      Convergence.assertMirrorsEqualMaster(d, Workload.liveRepos(), List.of(Workload.deletedRepo()));
      Convergence.assertNotifications(d, session.expected(), List.of(Workload.deletedRepo()));
    }
  }

  @Test
  void brokerRestartedMidStreamEndsEqualToTheMaster() throws Exception {
    try (Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1", "hgweb2"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      d.startMaster();
      d.startHeadsConsumers();
      d.mirror(0).startConsumerPerPartition(Deployment.PARTITIONS, Daemon.Restart.ALWAYS).forEach(d::track);
      d.track(d.mirror(1).startConsumer(Optional.empty(), Daemon.Restart.ALWAYS));

      Workload session = new Workload(d.master, client, 13);
      session.beforeDelete(() -> d.awaitMirrorsCaughtUp(Duration.ofMinutes(2)));
      int restartAfter = PUSHES_PER_REPO * Workload.REPOS.size() / 2;
      List<PartitionLag> inFlight = new ArrayList<>();
      Client outsider = d.track(new Client(d.master, tmp.resolve("outsider")));
      session.run(PUSHES_PER_REPO, 3, n -> {
        if (n != restartAfter) {
          return;
        }
        // No push in flight and none starting while the broker is away.
        session.gate().writeLock().lock();
        try {
          inFlight.addAll(uncheckedBehind(d));
          kafka.stopBroker();
          outsider.init("mozilla-central");
          outsider.pull("mozilla-central");
          String refused = outsider.commit("mozilla-central", "outsider.txt", "while Kafka is away\n");
          HgResult r = outsider.tryPush("mozilla-central", "-f");
          assertEquals(255, r.exitCode(), r.output());
          assertTrue(r.output().contains("remote: replication log not available; all writes disabled"), r.output());
          kafka.restartBroker();
          outsider.push("mozilla-central", "-f");
          session.expect("mozilla-central", new Workload.Expected("changegroup.1", List.of(refused)));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        } finally {
          session.gate().writeLock().unlock();
        }
      });
      d.awaitNoLag(Duration.ofMinutes(3));

      assertFalse(inFlight.isEmpty(), "events were in flight when the broker stopped");
      log.info("broker stopped with these groups behind: {}", inFlight);
      Convergence.assertMirrorsEqualMaster(d, Workload.liveRepos(), List.of(Workload.deletedRepo()));
      Convergence.assertNotifications(d, session.expected(), List.of(Workload.deletedRepo()));
    }
  }

  private static List<PartitionLag> uncheckedBehind(Deployment d) {
    try {
      return d.behind();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the process logs {@code text} after position {@code from}; false if the session
   * ended or the process exited first.
   */
  private static boolean awaitLog(JavaProcess p, int from, String text, AtomicBoolean stop) {
    while (!stop.get() && p.isAlive()) {
      String log = p.logText();
      if (log.length() > from && log.indexOf(text, from) >= 0) {
        return true;
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
    return false;
  }

  /** Whether some changegroup was processed by two runs of the consumer (started at different pids). */
  private static boolean redelivered(String consumerLog) {
    Map<String, Integer> runOf = new HashMap<>();
    int run = 0;
    for (String line : consumerLog.split("\n")) {
      if (line.contains("starting consumer for topic=")) {
        run++;
      }
      Matcher m = PROCESSING.matcher(line);
      if (m.find() && m.group(1).equals("hg-changegroup-2:")) {
        String at = m.group(2) + "/" + m.group(3);
        Integer earlier = runOf.putIfAbsent(at, run);
        if (earlier != null && earlier != run) {
          return true;
        }
      }
    }
    return false;
  }
}
