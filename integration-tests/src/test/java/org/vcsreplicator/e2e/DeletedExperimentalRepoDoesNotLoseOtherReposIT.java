package org.vcsreplicator.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.pulse.AmqpBrokerFixture;

/**
 * The incident of bug 1267619 ({@code seed/incident-replication-wedged.txt}), replayed with
 * today's design. Someone with shell access on the master creates a repository in a format the
 * mirrors cannot open ({@code persistent-nodemap}: the master's hg is allowed its slow path, the
 * mirrors' hg is not, as the experimental treemanifest was), pushes to it twice, and deletes it;
 * meanwhile other users keep pushing to repositories on the same partition (6, the users'
 * partition) and to {@code mozilla-central} on another one.
 *
 * <p>Expected: each mirror's consumer of partition 6 stops at the first bad changegroup with one
 * ERROR line naming it and the commands to run; the operator follows the runbook of the incident
 * ({@code --dump}, {@code --skip}, restart: it stops at the second bad changegroup, {@code --skip},
 * restart: it runs); afterwards every other repository equals the master on both mirrors and the
 * Pulse notifier never stopped: it skipped the deleted repository's events with its log line and
 * published everything else. {@code hgweb1} runs one consumer per partition (its other partitions
 * keep replicating meanwhile); {@code hgweb2} one consumer for all partitions (everything waits
 * for the skip).
 */
class DeletedExperimentalRepoDoesNotLoseOtherReposIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();
  @RegisterExtension static AmqpBrokerFixture amqp = new AmqpBrokerFixture();

  static final String BAD = "users/gszorc_mozilla.com/mc-treemanifest";
  static final String FUBAR = "users/fubar_mozilla.com/hooks";
  static final String ALICE = "users/alice_example.com/fx";
  static final String CENTRAL = "mozilla-central";
  static final int USERS_PARTITION = 6;
  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir Path tmp;

  @Test
  void mirrorsStopAtTheBadEventsAndAfterDumpAndSkipEveryOtherRepoIsReplicatedAndNotified() throws Exception {
    try (LogCapture logs = new LogCapture();
         Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1", "hgweb2"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      Mirror hgweb1 = d.mirror(0);
      Mirror hgweb2 = d.mirror(1);
      d.startMaster();
      d.startHeadsConsumers();
      // No automatic restart: the test plays the operator who restarts a stopped consumer.
      List<Daemon> hgweb1Consumers = new ArrayList<>(
          hgweb1.startConsumerPerPartition(Deployment.PARTITIONS, Daemon.Restart.NEVER));
      hgweb1Consumers.forEach(d::track);
      Daemon hgweb2Consumer = d.track(hgweb2.startConsumer(Optional.empty(), Daemon.Restart.NEVER));

      Map<String, List<Workload.Expected>> expected = new LinkedHashMap<>();
      for (String repo : List.of(FUBAR, ALICE, CENTRAL)) {
        d.master.init(repo);
        client.init(repo);
        expected.put(repo, new ArrayList<>(List.of(new Workload.Expected("newrepo.1", List.of()))));
        pushOne(client, expected, repo, "before");
      }
      d.awaitNoLag(WAIT);

      // The experimental repository: only the master's hg may open it.
      d.master.init(BAD, "format.use-persistent-nodemap=true");
      assertTrue(HgProcess.run(d.master.plainHgrc, tmp, "debugrequires", "-R", d.master.path(BAD).toString()).ok()
          .out().contains("persistent-nodemap"));
      assertEquals(255, HgProcess.run(hgweb1.hgrc, tmp, "log", "-R", d.master.path(BAD).toString()).exit(),
          "a mirror's hg cannot open the experimental repository");
      client.init(BAD);
      client.commit(BAD, "tree.txt", "first\n");
      client.push(BAD);

      Daemon hgweb1Users = hgweb1Consumers.get(USERS_PARTITION);
      assertEquals(Optional.of(1), hgweb1Users.awaitExit(WAIT), "hgweb1's consumer of partition 6 stops");
      assertEquals(Optional.of(1), hgweb2Consumer.awaitExit(WAIT), "hgweb2's consumer stops");
      for (Mirror m : d.mirrors) {
        LogCapture.Line error = stopLine(logs, m, 1);
        assertTrue(error.message().contains("partition=6") && error.message().contains("event=hg-changegroup-2")
            && error.message().contains("repo={moz}/" + BAD), error.toString());
        assertTrue(error.message().contains("consume " + m.consumerConfig + " --dump --partition 6")
            && error.message().contains("consume " + m.consumerConfig + " --skip --partition 6"), error.toString());
        assertTrue(error.message().contains("persistent-nodemap"), error.toString());
      }

      // Users keep pushing, on partition 6 and elsewhere; then the repository is pushed again and deleted.
      pushOne(client, expected, FUBAR, "during");
      pushOne(client, expected, ALICE, "during");
      String central = pushOne(client, expected, CENTRAL, "during");
      client.commit(BAD, "tree.txt", "second\n");
      client.push(BAD);
      d.master.replicateDelete(BAD);

      // hgweb1's other partitions are not held up; hgweb2's single consumer holds everything.
      Await.until(WAIT, "mozilla-central replicates on hgweb1 while partition 6 is stopped",
          () -> HgProcess.run(hgweb1.hgrc, tmp, "log", "-R", hgweb1.path(CENTRAL).toString(), "-r", central).exit() == 0);
      assertEquals(255, HgProcess.run(hgweb2.hgrc, tmp, "log", "-R", hgweb2.path(CENTRAL).toString(), "-r", central)
          .exit(), "hgweb2 (all partitions in one consumer) is stopped");

      // The runbook: look, skip, restart; it stops at the next bad event; skip, restart.
      for (Mirror m : d.mirrors) {
        Cli.Run dump = m.consumeCommand("--dump", "--partition", "6").ok();
        int bad = dump.out().indexOf("path: '{moz}/" + BAD + "'");
        assertTrue(dump.out().startsWith("- _created: ") && bad > 0
            && dump.out().substring(0, bad).contains("name: hg-changegroup-2")
            && bad < dump.out().indexOf("path: '{moz}/" + FUBAR + "'"), dump.out());
        assertTrue(dump.out().contains("name: hg-repo-delete-1"), dump.out());
        Cli.Run skip = m.consumeCommand("--skip", "--partition", "6").ok();
        assertTrue(skip.out().startsWith("skipped hg-changegroup-2 "), skip.out());
        assertTrue(skip.out().contains("path: '{moz}/" + BAD + "'"), skip.out());
      }
      hgweb1Users = d.track(hgweb1.startConsumer(Optional.of(USERS_PARTITION), Daemon.Restart.NEVER));
      hgweb2Consumer = d.track(hgweb2.startConsumer(Optional.empty(), Daemon.Restart.NEVER));
      assertEquals(Optional.of(1), hgweb1Users.awaitExit(WAIT), "hgweb1 stops at the second bad changegroup");
      assertEquals(Optional.of(1), hgweb2Consumer.awaitExit(WAIT), "hgweb2 stops at the second bad changegroup");
      for (Mirror m : d.mirrors) {
        LogCapture.Line error = stopLine(logs, m, 2);
        assertTrue(error.message().contains("event=hg-changegroup-2") && error.message().contains("repo={moz}/" + BAD)
            && error.message().contains("not found"), error.toString());
        Cli.Run skip = m.consumeCommand("--skip", "--partition", "6").ok();
        assertTrue(skip.out().startsWith("skipped hg-changegroup-2 "), skip.out());
      }
      d.track(hgweb1.startConsumer(Optional.of(USERS_PARTITION), Daemon.Restart.NEVER));
      d.track(hgweb2.startConsumer(Optional.empty(), Daemon.Restart.NEVER));

      pushOne(client, expected, FUBAR, "after");
      d.awaitNoLag(WAIT);

      Convergence.assertMirrorsEqualMaster(d, List.of(FUBAR, ALICE, CENTRAL), List.of(BAD));
      expected.put(BAD, List.of(new Workload.Expected("newrepo.1", List.of()),
          new Workload.Expected("changegroup.1", List.of()), new Workload.Expected("changegroup.1", List.of())));
      Convergence.assertNotifications(d, expected, List.of(BAD));
      assertFalse(d.notifications.byRepo().getOrDefault(Master.publicUrl(BAD), List.of()).stream()
          .anyMatch(n -> n.type().equals("changegroup.1")), "no changegroup notification for the deleted repo");
      assertEquals(List.of(), d.notifier().exits(), "the notifier never stopped");
      assertEquals(1, d.notifier().starts(), "the notifier never stopped");
      assertFalse(logs.find(Level.INFO, "repository " + d.master.path(BAD) + " does not exist; ignoring notification")
          .isEmpty(), "the notifier logged why it skipped the deleted repository's events");
    }
  }

  /** Commits one changeset to {@code repo} and pushes it; records its notification; returns the node. */
  private static String pushOne(Client client, Map<String, List<Workload.Expected>> expected, String repo,
      String label) {
    String node = client.commit(repo, label + ".txt", label + "\n");
    client.push(repo);
    expected.get(repo).add(new Workload.Expected("changegroup.1", List.of(node)));
    return node;
  }

  /** The {@code n}-th ERROR line of a consumer of mirror {@code m} saying it stops at an event. */
  private static LogCapture.Line stopLine(LogCapture logs, Mirror m, int n) {
    List<LogCapture.Line> lines = logs.find(Level.ERROR, "cannot apply event, partition 6 stops here").stream()
        .filter(l -> l.thread().startsWith(m.name + "-consumer")).toList();
    assertTrue(lines.size() >= n, "ERROR line #" + n + " of " + m.name + " in " + lines);
    return lines.get(n - 1);
  }
}
