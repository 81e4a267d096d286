package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.WirePath;
import picocli.CommandLine;

/**
 * {@code pulse-notify} as an operator runs it: the original's {@code --skip} output, exit codes,
 * and the refusal to run without the repository root. Publishing is covered by the
 * pulse-notifier module's PulseNotifierIT.
 */
class PulseNotifyCommandIT {
  @RegisterExtension static final EmbeddedKafka kafka = new EmbeddedKafka();

  @TempDir Path tmp;

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  Path config(String topic, Path root) throws Exception {
    Path ini = tmp.resolve("notifications.ini");
    Files.writeString(ini, String.join("\n",
        "[pulseconsumer]",
        "hosts = " + kafka.bootstrapServers(),
        "client_id = pulsenotifier",
        "topic = " + topic,
        "group = pulsenotifier",
        "connect_timeout = 10",
        "",
        "[pulse]",
        "hostname = 127.0.0.1",
        "port = 5672",
        "userid = guest",
        "password = guest",
        "virtual_host = /",
        "ssl = false",
        "connect_timeout = 5",
        "exchange = exchange/hgpushes/v1",
        "exchange2 = exchange/hgpushes/v2",
        "routing_key_strip_prefix = https://hg.mozilla.org/",
        "",
        "[path_rewrites]",
        "{moz} = " + root,
        "",
        "[public_url_rewrites]",
        "{moz} = https://hg.mozilla.org",
        "",
        "[ignore_paths]",
        "{moz}/private/ = true",
        ""));
    return ini;
  }

  @Test
  void skipPrintsWhatItSkippedOneAtATime() throws Exception {
    String topic = kafka.createUniqueTopic("replicatedpushdata", 1);
    Path root = Files.createDirectories(tmp.resolve("mozilla"));
    try (EventProducer p = new EventProducer(kafka.clientConfig("test"), Duration.ofSeconds(10), Clock.systemUTC())) {
      p.send(topic, 0, new Heartbeat());
      p.send(topic, 0, new RepoInitV2(WirePath.of("{moz}/ignored-repo"), true));
    }
    String ini = config(topic, root).toString();

    Run first = run("pulse-notify", "--skip", ini);
    assertEquals(0, first.exitCode(), first.err());
    assertEquals("skipped heartbeat-1 message in partition 0 for group pulsenotifier\n", first.out());
    Run second = run("pulse-notify", "--skip", ini);
    assertEquals(0, second.exitCode(), second.err());
    assertEquals("skipped hg-repo-init-2 message in partition 0 for group pulsenotifier\n", second.out());
    Run none = run("pulse-notify", "--skip", ini);
    assertEquals(1, none.exitCode());
    assertEquals("no message available; nothing to skip\n", none.out());

    OffsetAndMetadata committed = kafka.admin().listConsumerGroupOffsets("pulsenotifier")
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
    assertEquals(2, committed.offset());

    Run again = run("pulse-notify", "--skip", "--start-from", "1", ini);
    assertEquals("skipped hg-repo-init-2 message in partition 0 for group pulsenotifier\n", again.out());

    // Every skip is in the audit topic of [pulseconsumer]; --offset refuses the wrong event.
    Run refused = run("pulse-notify", "--skip", "--start-from", "0", "--offset", "1", ini);
    assertEquals(1, refused.exitCode());
    assertEquals("vcsreplicator: refusing to skip: the next event of partition 0 is at offset 0, not 1; "
        + "nothing skipped, nothing recorded\n", refused.err());
    Run list = run("skipped", "list", ini, "--consumer-section", "pulseconsumer", "--json");
    assertEquals(0, list.exitCode(), list.err());
    assertEquals(3, list.out().split("\"id\": \"pulsenotifier:" + topic + ":0:").length - 1, list.out());
  }

  @Test
  void sigtermStopsTheDaemonGracefully() throws Exception {
    String topic = kafka.createUniqueTopic("replicatedpushdata", 1);
    Path root = Files.createDirectories(tmp.resolve("mozilla"));
    try (EventProducer p = new EventProducer(kafka.clientConfig("test"), Duration.ofSeconds(10), Clock.systemUTC())) {
      p.send(topic, 0, new Heartbeat());
    }
    String ini = config(topic, root).toString();
    AtomicReference<Run> result = new AtomicReference<>();
    Thread daemon = new Thread(() -> result.set(run("pulse-notify", ini)), "pulse-notify-under-test");
    daemon.start();
    // The heartbeat is committed from inside the loop, after the signal handlers are installed:
    // only then may SIGTERM reach this JVM without ending it.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (committed(topic) != 1) {
      assertTrue(System.nanoTime() < deadline && daemon.isAlive(), "the heartbeat was never acknowledged");
      LockSupport.parkNanos(20_000_000);
    }
    Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(ProcessHandle.current().pid())).start();
    assertEquals(0, kill.waitFor());
    daemon.join(TimeUnit.SECONDS.toMillis(30));
    assertFalse(daemon.isAlive(), "pulse-notify did not stop on SIGTERM");
    assertEquals(0, result.get().exitCode(), result.get().err());
  }

  long committed(String topic) throws Exception {
    OffsetAndMetadata o = kafka.admin().listConsumerGroupOffsets("pulsenotifier")
        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
    return o == null ? -1 : o.offset();
  }

  @Test
  void refusesToRunWithoutTheRepositoryRoot() throws Exception {
    String topic = kafka.createUniqueTopic("replicatedpushdata", 1);
    Path missing = tmp.resolve("not-mounted");
    Run r = run("pulse-notify", config(topic, missing).toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().contains("repository root " + missing + " ([path_rewrites] {moz}) does not exist"), r.err());
  }

  @Test
  void badConfigNamesTheKey() throws Exception {
    Path ini = tmp.resolve("bad.ini");
    Files.writeString(ini, "[pulseconsumer]\nhosts = localhost:9092\nclient_id = x\ntopic = t\ngroup = g\n");
    Run r = run("pulse-notify", ini.toString());
    assertEquals(1, r.exitCode());
    assertTrue(r.err().startsWith("vcsreplicator: ") && r.err().contains("pulse"), r.err());
  }
}
