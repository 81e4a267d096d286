package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.aggregator.AggregatorLog;
import org.vcsreplicator.kafka.EmbeddedKafka;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.message.Heartbeat;

/** {@code aggregate}: the exit lines of test-pushaggregator.t, config errors, and SIGTERM in a real process. */
class AggregateCommandIT {
  @RegisterExtension static EmbeddedKafka kafka = new EmbeddedKafka();

  @TempDir Path dir;

  private Path config() throws Exception {
    String topic = kafka.createUniqueTopic("pushdata", 8);
    String pending = kafka.createUniqueTopic("replicatedpushdatapending", 1);
    Path groups = dir.resolve("groups");
    Files.writeString(groups, "hgweb0\nhgweb1\n");
    return CheckAggregatorLagCommandIT.config(dir, kafka.bootstrapServers(), topic, groups,
        kafka.uniqueTopic("aggregator"), pending);
  }

  @Test
  void maxPollsOneExitsZeroWithTheOriginalsLines() throws Exception {
    Path cfg = config();
    Logger logger = (Logger) LoggerFactory.getLogger(AggregatorLog.NAME);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      CommandRun r = CommandRun.run("aggregate", "--max-polls", "1", cfg.toString());
      assertEquals(0, r.exitCode(), r.err());
    } finally {
      logger.detachAppender(appender);
    }
    List<String> lines = appender.list.stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList();
    assertEquals(List.of(
        "vcsreplicator.aggregator hit max polls threshold; exiting",
        "vcsreplicator.aggregator executing loop exiting gracefully",
        "vcsreplicator.aggregator process exiting code 0"), lines.subList(lines.size() - 3, lines.size()));
  }

  @Test
  void badConfigExitsOneNamingTheKey() throws Exception {
    Path cfg = dir.resolve("bad.ini");
    Files.writeString(cfg, "[aggregator]\nhosts = localhost:1\nclient_id = x\nmonitor_topic = t\n");
    CommandRun r = CommandRun.run("aggregate", cfg.toString());
    assertEquals(1, r.exitCode());
    assertEquals(cfg + ": [aggregator] monitor_groups_file: missing required key\n", r.err());
  }

  @Test
  void maxPollsMustBePositive() throws Exception {
    CommandRun r = CommandRun.run("aggregate", "--max-polls", "0", config().toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--max-polls must be at least 1"), r.err());
  }

  /** A real process: SIGTERM finishes gracefully with exit 0 and the original's lines. */
  @Test
  void sigtermStopsGracefullyWithExitZero() throws Exception {
    Path cfg = config();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "aggregate", cfg.toString())
        .redirectErrorStream(true)
        .start();
    List<String> output = new ArrayList<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (output) {
            output.add(line);
          }
          if (line.contains("copying records of topic=")) {
            started.complete(null);
          }
        }
      } catch (Exception e) {
        started.completeExceptionally(e);
      }
    });
    reader.start();
    try {
      // The first poll has read the groups file: the daemon is in its loop.
      started.get(60, TimeUnit.SECONDS);
      // Not Process.destroy(): it also closes our end of the child's output, losing its last lines.
      assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "exits after SIGTERM");
      reader.join(10_000);
      String all;
      synchronized (output) {
        all = String.join("\n", output);
      }
      assertEquals(0, p.exitValue(), all);
      assertTrue(all.contains("vcsreplicator.aggregator received signal 15"), all);
      assertTrue(all.contains("vcsreplicator.aggregator exiting gracefully"), all);
      assertTrue(all.contains("vcsreplicator.aggregator executing loop exiting gracefully"), all);
      assertTrue(all.contains("vcsreplicator.aggregator process exiting code 0"), all);
    } finally {
      p.destroyForcibly();
    }
  }
}
