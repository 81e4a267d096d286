package org.vcsreplicator.sandbox;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.vcsreplicator.aggregator.Aggregator;
import org.vcsreplicator.aggregator.AggregatorDaemon;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.RetrySettings;

/**
 * The two chained aggregators on the master, each from its own config as {@code bin/vcsreplicator
 * aggregate CONFIG} reads it: stage 1 copies to {@code replicatedpushdatapending} what every
 * mirror consumer group has applied; stage 2 copies to {@code replicatedpushdata} what every heads
 * consumer group has written. Files: {@code aggregator/stage1.ini}, {@code stage1-groups},
 * {@code stage2.ini}, {@code stage2-groups}.
 */
final class Aggregators {
  /** The loop pauses this long after a poll that copied nothing (the daemon's default: 1 s). */
  static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private Aggregators() {}

  /** Writes both configs and starts both loops. */
  static List<Daemon> start(Path dir, String bootstrapServers, String source, String pending, String aggregated,
      List<String> mirrorGroups, List<String> headsGroups, Progress progress) throws Exception {
    Files.createDirectories(dir);
    Path stage1 = write(dir, "stage1", bootstrapServers, source, pending, "aggregator", mirrorGroups,
        "copies to " + pending + " what every mirror consumer applied");
    Path stage2 = write(dir, "stage2", bootstrapServers, pending, aggregated, "aggregator-pending", headsGroups,
        "copies to " + aggregated + " what every heads consumer wrote");
    return List.of(start("aggregator1", stage1, progress), start("aggregator2", stage2, progress));
  }

  private static Path write(Path dir, String stage, String bootstrapServers, String monitor, String aggregate,
      String ackGroup, List<String> groups, String what) throws Exception {
    Path groupsFile = Files.writeString(dir.resolve(stage + "-groups"),
        "# The consumer groups that must all have acknowledged a record before it is copied.\n"
            + String.join("\n", groups) + "\n", StandardCharsets.UTF_8);
    return Files.writeString(dir.resolve(stage + ".ini"), String.join("\n",
        "# The " + stage + " aggregator: " + what + ".",
        "[aggregator]",
        "hosts = " + bootstrapServers,
        "client_id = " + ackGroup,
        "monitor_topic = " + monitor,
        "monitor_groups_file = " + groupsFile,
        "ack_group = " + ackGroup,
        "aggregate_topic = " + aggregate,
        ""), StandardCharsets.UTF_8);
  }

  private static Daemon start(String name, Path config, Progress progress) {
    AggregatorSettings settings = AggregatorSettings.from(IniFile.load(config));
    Aggregator aggregator = Aggregator.create(settings, REQUEST_TIMEOUT, Clock.systemUTC());
    // No max-polls exit here: in production a supervisor restarts the daemon after 1800 idle polls.
    AggregatorDaemon daemon = new AggregatorDaemon(aggregator,
        new AggregatorDaemon.Options(Integer.MAX_VALUE, false, POLL_INTERVAL, RetrySettings.defaults()));
    progress.say(name, "copies " + settings.monitorTopic() + " -> " + settings.aggregateTopic()
        + " once the groups of " + config.getParent().getFileName() + "/" + settings.monitorGroupsFile().getFileName()
        + " acknowledged it; config " + config.getParent().getFileName() + "/" + config.getFileName());
    return Daemon.start(name, () -> {
      try (aggregator) {
        int code = daemon.run();
        return code == 0 ? "stopped" : "failed (exit " + code + ")";
      }
    }, daemon::requestStop, progress);
  }
}
