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
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.pulse.AmqpBrokerFixture;

/**
 * Bookmarks replayed by a mirror that is behind: its consumer was down (a restart, a deploy, a
 * SIGKILL) while bookmarks changed on the master. Every changegroup's {@code hg pull} brings the
 * master's <em>current</em> bookmarks, ahead of the pushkeys still to replay; hg refuses those
 * (the bookmark is at neither their old nor their new value). Found by the SIGKILL session of
 * {@link ConsumerCrashAndBrokerRestartIT}: the consumer stopped there. Now such an overtaken
 * pushkey is applied as a no-op with a WARN line (a deletion is applied whatever the value: a
 * pull never deletes), and the mirror ends equal to the master (SPEC 2.3) in each way a bookmark
 * can change meanwhile.
 */
class LaggingMirrorBookmarksIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();
  @RegisterExtension static AmqpBrokerFixture amqp = new AmqpBrokerFixture();

  static final Duration WAIT = Duration.ofSeconds(60);
  /** The consumer's WARN line about a refused bookmark pushkey it settled (overtaken move or stale bookmark). */
  static final String SETTLED = "on this mirror, ";

  @TempDir Path tmp;

  @Test
  void bookmarkCreatedAndMovedWhileTheMirrorWasDown() throws Exception {
    try (LogCapture logs = new LogCapture();
         Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      String repo = "projects/moved";
      d.master.startProducer();
      d.master.init(repo);
      client.init(repo);
      String c1 = client.commit(repo, "a.txt", "one\n");
      String c2 = client.commit(repo, "a.txt", "two\n");
      client.push(repo);
      client.hg(repo, "bookmark", "-r", c1, "B");
      client.push(repo, "-B", "B");
      client.hg(repo, "bookmark", "-f", "-r", c2, "B");
      client.push(repo, "-B", "B");

      assertReplaysToTheMastersState(d, logs, repo, 1);
    }
  }

  @Test
  void bookmarkDeletedAndCreatedAgainWhileTheMirrorWasDown() throws Exception {
    try (LogCapture logs = new LogCapture();
         Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      String repo = "projects/recreated";
      d.master.startProducer();
      d.master.init(repo);
      client.init(repo);
      String c1 = client.commit(repo, "a.txt", "one\n");
      client.push(repo);
      client.hg(repo, "bookmark", "-r", c1, "B");
      client.push(repo, "-B", "B");
      // B travels with the next changeset, is deleted, and created again on C1.
      String c2 = client.commit(repo, "a.txt", "two\n");
      client.hg(repo, "bookmark", "-f", "-r", c2, "B");
      client.push(repo, "-B", "B");
      client.hg(repo, "bookmark", "-d", "B");
      client.push(repo, "-B", "B");
      client.hg(repo, "bookmark", "-r", c1, "B");
      client.push(repo, "-B", "B");

      assertReplaysToTheMastersState(d, logs, repo, 1);
    }
  }

  @Test
  void bookmarkMovedToAnotherHeadWhileTheMirrorWasBehind() throws Exception {
    try (LogCapture logs = new LogCapture();
         Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      String repo = "projects/diverged";
      d.master.startProducer();
      d.master.init(repo);
      client.init(repo);
      String c0 = client.commit(repo, "a.txt", "zero\n");
      String c1 = client.commit(repo, "a.txt", "one\n");
      client.push(repo);
      client.hg(repo, "bookmark", "-r", c1, "B");
      client.push(repo, "-B", "B");
      // The mirror is up to date (B at C1), then down while B moves to a new head on C0: plain hg
      // would keep its B and store the master's as a divergent B@1 when pulling the new head.
      catchUp(d).close();
      client.update(repo, c0);
      String head = client.commit(repo, "b.txt", "other head\n");
      client.push(repo, "-f");
      client.hg(repo, "bookmark", "-f", "-r", head, "B");
      client.push(repo, "-f", "-B", "B");

      assertReplaysToTheMastersState(d, logs, repo, 0);
    }
  }

  @Test
  void bookmarkMovedWithAChangesetThenDeletedWhileTheMirrorWasDown() throws Exception {
    try (LogCapture logs = new LogCapture();
         Deployment d = new Deployment(kafka, amqp, tmp, List.of("hgweb1"));
         Client client = new Client(d.master, tmp.resolve("clients"))) {
      String repo = "projects/carried";
      d.master.startProducer();
      d.master.init(repo);
      client.init(repo);
      String c1 = client.commit(repo, "a.txt", "one\n");
      client.push(repo);
      client.hg(repo, "bookmark", "-r", c1, "B");
      client.push(repo, "-B", "B");
      // The mirror is up to date (B at C1), then down while B moves to a new changeset with the
      // push (no pushkey: the pull carries it, if the master still has B then) and is deleted
      // (pushkey C2 -> ''). The pull comes too late to see C2: only the deletion can remove B.
      catchUp(d).close();
      String c2 = client.commit(repo, "a.txt", "two\n");
      client.hg(repo, "bookmark", "-f", "-r", c2, "B");
      client.push(repo, "-B", "B");
      client.hg(repo, "bookmark", "-d", "B");
      client.push(repo, "-B", "B");

      assertReplaysToTheMastersState(d, logs, repo, 1);
    }
  }

  /** Starts the mirror's consumer late; it must apply everything without stopping and equal the master. */
  private static void assertReplaysToTheMastersState(Deployment d, LogCapture logs, String repo, int overtaken) {
    Daemon consumer = catchUp(d);
    assertEquals(List.of(), consumer.exits(), "the consumer never stopped");
    assertEquals(List.of(), logs.find(Level.ERROR, "cannot apply event"));
    List<LogCapture.Line> settled = logs.find(Level.WARN, SETTLED).stream()
        .filter(l -> l.message().startsWith("bookmark B of ")).toList();
    assertEquals(overtaken, settled.size(), "settled pushkeys: " + settled);
    RepoState master = RepoState.read(d.master.plainHgrc, d.master.path(repo));
    assertEquals(master, RepoState.read(d.master.plainHgrc, d.mirror(0).path(repo)));
  }

  /** Starts the mirror's consumer (all partitions) and waits until its group applied everything. */
  private static Daemon catchUp(Deployment d) {
    Mirror mirror = d.mirror(0);
    Daemon consumer = d.track(mirror.startConsumer(Optional.empty(), Daemon.Restart.NEVER));
    Await.until(WAIT, "the mirror's group has applied everything", () -> d.lag().stream()
        .filter(l -> l.group().equals(mirror.name) && l.topic().equals(d.topic)).allMatch(l -> l.isInSync()));
    return consumer;
  }
}
