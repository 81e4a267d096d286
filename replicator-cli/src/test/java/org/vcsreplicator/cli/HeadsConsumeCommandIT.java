package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.consumer.ConsumerLog;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.heads.ReplicatedDataFile;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;

/**
 * {@code bin/vcsreplicator heads-consume CONFIG [flags]} in process through {@link
 * Main#commandLine()}, with the heads consumer's own INI file (the original's {@code
 * vcsreplicator-pending.ini}: {@code [consumer] topic = replicatedpushdatapending}, no hg needed),
 * a real broker and a real mirror repository.
 */
class HeadsConsumeCommandIT {
  private static final WirePath MC = WirePath.of("{moz}/mozilla-central");
  private static final NodeId INITIAL = NodeId.of("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");

  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  @TempDir Path tmp;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger consumerLog = (Logger) LoggerFactory.getLogger(ConsumerLog.NAME);

  @BeforeEach
  void captureLog() {
    logged.start();
    consumerLog.addAppender(logged);
  }

  @AfterEach
  void releaseLog() {
    consumerLog.detachAppender(logged);
  }

  private List<String> logLines() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The heads consumer's file; {@code [programs] hg} points nowhere to show hg is never started. */
  private Path ini(String topic, Path mirrorRoot) throws Exception {
    return Files.writeString(tmp.resolve("vcsreplicator-pending.ini"), String.join("\n",
        "[consumer]",
        "hosts = " + kafka.bootstrapServers(),
        "connect_timeout = 10",
        "poll_timeout = 0.05",
        "client_id = hgweb1",
        "topic = " + topic,
        "group = hgweb1",
        "retry_max_retries = 0",
        "",
        "[path_rewrites]",
        "{moz} = " + mirrorRoot,
        "",
        "[programs]",
        "hg = " + tmp.resolve("no-such-hg"),
        ""));
  }

  private static void send(String topic, Event... events) throws Exception {
    try (EventProducer producer = new EventProducer(kafka.clientConfig("master"), Duration.ofSeconds(30),
        Clock.systemUTC())) {
      for (Event e : events) {
        producer.send(topic, 0, e);
      }
    }
  }

  private Path mirrorRepo(Path root, String name) throws Exception {
    Path repo = root.resolve(name);
    Process init = new ProcessBuilder("/usr/bin/hg", "init", repo.toString()).redirectErrorStream(true).start();
    assertEquals(0, init.waitFor(), new String(init.getInputStream().readAllBytes()));
    return repo;
  }

  @Test
  void onetimeRunsWriteTheServedHeadsOfThePendingTopic() throws Exception {
    String topic = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    Path root = Files.createDirectories(tmp.resolve("repo/hg/mozilla"));
    Path repo = mirrorRepo(root, "mozilla-central");
    String config = ini(topic, root).toString();
    send(topic, new Heartbeat(), new RepoInitV2(MC, true),
        new ChangegroupV2(MC, "serve", 1, List.of(INITIAL)), new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));

    CommandRun waited = CommandRun.run("heads-consume", config, "--wait-for-n", "4");
    assertEquals(0, waited.exitCode(), waited.toString());
    assertEquals(List.of(
        "got a heartbeat-1 message",
        "got a hg-repo-init-2: (repo: {moz}/mozilla-central) message",
        "got a hg-changegroup-2: (repo: {moz}/mozilla-central, heads: ['77538e1ce4be']) message",
        "got a hg-heads-1: (repo: {moz}/mozilla-central, heads: ['77538e1ce4be'], last_push_id: 1) message"),
        waited.lines());
    CommandRun dump = CommandRun.run("heads-consume", config, "--dump");
    assertTrue(dump.out().contains("  name: hg-heads-1\n  path: '{moz}/mozilla-central'\n"), dump.toString());

    for (int i = 0; i < 3; i++) {
      CommandRun one = CommandRun.run("heads-consume", config, "--onetime");
      assertEquals(0, one.exitCode(), one.toString());
    }
    assertFalse(Files.exists(ReplicatedDataFile.path(repo)), "no-ops so far");
    CommandRun heads = CommandRun.run("heads-consume", config, "--onetime");
    assertEquals(0, heads.exitCode(), heads.toString());
    assertEquals(ReplicatedData.of(List.of(INITIAL), 1), ReplicatedDataFile.read(repo).orElseThrow());
    assertTrue(logLines().contains(repo + "/.hg/replicated-data wrote with 1 heads successfully; last push id: 1"),
        logLines().toString());

    assertEquals(0, CommandRun.run("heads-consume", config, "--onetime").exitCode(), "nothing pending");
    assertEquals(0, CommandRun.run("heads-consume", config, "--wait-for-no-lag").exitCode());
    assertEquals("[]\n", CommandRun.run("heads-consume", config, "--dump").out());
  }

  @Test
  void daemonStopsAtARefusedPathAndSkipMovesPastIt() throws Exception {
    String topic = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    Path root = Files.createDirectories(tmp.resolve("repo/hg/mozilla"));
    Path repo = mirrorRepo(root, "mozilla-central");
    String config = ini(topic, root).toString();
    send(topic, new Heads(WirePath.of("{moz}/../escape"), List.of(INITIAL), OptionalLong.of(1)),
        new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));

    CommandRun daemon = CommandRun.run("heads-consume", config);
    assertEquals(1, daemon.exitCode(), daemon.toString());
    assertTrue(logLines().contains("starting consumer for topic=" + topic + " group=hgweb1 partitions=all"),
        logLines().toString());
    assertTrue(logLines().stream().anyMatch(l -> l.contains("repo={moz}/../escape event=hg-heads-1")
        && l.contains("`bin/vcsreplicator heads-consume " + config + " --skip --partition 0 --offset 0`")), logLines().toString());
    assertFalse(Files.exists(tmp.resolve("repo/hg/escape")));

    CommandRun skip = CommandRun.run("heads-consume", config, "--skip");
    assertEquals(0, skip.exitCode(), skip.toString());
    assertTrue(skip.out().startsWith("skipped hg-heads-1 for {moz}/../escape in partition 0 offset 0:"), skip.toString());

    assertEquals(0, CommandRun.run("heads-consume", config, "--onetime").exitCode());
    assertEquals(ReplicatedData.of(List.of(INITIAL), 1), ReplicatedDataFile.read(repo).orElseThrow());
  }

  /** The heads consumer's --skip is recorded like the mirror consumer's, and replayed through the heads handler. */
  @Test
  void skippedHeadsAreRecordedAndReplayedWithHeads() throws Exception {
    String topic = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    Path root = Files.createDirectories(tmp.resolve("repo/hg/mozilla"));
    Path repo = mirrorRepo(root, "mozilla-central");
    String config = ini(topic, root).toString();
    send(topic, new Heads(MC, List.of(INITIAL), OptionalLong.of(1)));

    CommandRun skip = CommandRun.run("heads-consume", config, "--skip", "--partition", "0", "--offset", "0",
        "--reason", "testing the audit trail");
    assertEquals(0, skip.exitCode(), skip.toString());
    String id = "hgweb1:" + topic + ":0:0";
    assertTrue(skip.out().contains("recorded as " + id + " in " + topic + "-skipped; put it back with "
        + "`bin/vcsreplicator skipped replay " + config + " " + id + " --heads`"), skip.out());
    assertFalse(Files.exists(ReplicatedDataFile.path(repo)), "skipped, not applied");
    assertTrue(CommandRun.run("skipped", "list", config).out().contains(" hg-heads-1  testing the audit trail "));

    CommandRun replay = CommandRun.run("skipped", "replay", config, id, "--heads");
    assertEquals(0, replay.exitCode(), replay.toString());
    assertEquals(ReplicatedData.of(List.of(INITIAL), 1), ReplicatedDataFile.read(repo).orElseThrow());
  }

  @Test
  void helpNamesTheSubcommandAndTheFlagsOfConsume() {
    CommandRun help = CommandRun.run("heads-consume", "--help");
    assertEquals(0, help.exitCode(), help.toString());
    assertTrue(help.out().startsWith("Usage: vcsreplicator heads-consume "), help.out());
    for (String flag : List.of("--dump", "--skip", "--onetime", "--start-from", "--partition", "--wait-for-no-lag",
        "--wait-for-n")) {
      assertTrue(help.out().contains(flag), flag + " in\n" + help.out());
    }
    assertTrue(help.out().contains("replicated-data"), help.out());
  }
}
