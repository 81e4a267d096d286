package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.aggregator.AggregationStatus;
import org.vcsreplicator.aggregator.AggregationStatusReader;
import org.vcsreplicator.aggregator.AggregatorLagCheck;
import org.vcsreplicator.aggregator.GroupsFileException;
import org.vcsreplicator.aggregator.MonitoredGroups;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.kafka.OffsetsAdmin;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.offsets.CheckReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code check-aggregator-lag CONFIG}: the original's {@code check_vcsreplicator_aggregator_lag},
 * a Nagios check of how many records every monitored group acknowledged that the aggregator has
 * not copied yet.
 */
@Command(
    name = "check-aggregator-lag",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    exitCodeOnExecutionException = 3,
    description = {
        "Nagios check of the aggregator: per partition of [aggregator] monitor_topic, the smallest "
            + "committed offset of the groups listed in monitor_groups_file (consumed) against the "
            + "aggregator's ack_group offset (acked). Thresholds apply to the total behind (a total at "
            + "or above a threshold reaches it).",
        "A partition a group never committed on counts from the partition's first offset."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:OK (also every --telegraf output)",
        "1:WARNING: the total behind reached --warning-count",
        "2:CRITICAL: the total behind reached --critical-count",
        "3:UNKNOWN: bad usage, unreadable configuration or groups file, or Kafka did not answer in time"})
final class CheckAggregatorLagCommand implements Callable<Integer>, NagiosCheck {
  private static final Logger log = LoggerFactory.getLogger(CheckAggregatorLagCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "config file with an [aggregator] section")
  Path config;

  @Option(names = "--warning-count", paramLabel = "MESSAGES",
      defaultValue = "" + AggregatorLagCheck.DEFAULT_WARNING_COUNT,
      description = "total messages behind from which the check is WARNING (default: ${DEFAULT-VALUE})")
  long warningCount;

  @Option(names = "--critical-count", paramLabel = "MESSAGES",
      defaultValue = "" + AggregatorLagCheck.DEFAULT_CRITICAL_COUNT,
      description = "total messages behind from which the check is CRITICAL (default: ${DEFAULT-VALUE})")
  long criticalCount;

  @Option(names = "--telegraf", description = "print a JSON list of {acked_offset, consumed_offset, partition} "
      + "for Telegraf's exec input instead, and exit 0")
  boolean telegraf;

  @Option(names = "--section", paramLabel = "SECTION", defaultValue = AggregatorSettings.DEFAULT_SECTION,
      description = "config section to read (default: ${DEFAULT-VALUE}; a second-stage aggregator may use another)")
  String section;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "8",
      description = "answer UNKNOWN when Kafka has not answered within this many seconds (default: ${DEFAULT-VALUE})")
  double timeoutSeconds;

  @Override
  public Integer call() {
    if (warningCount < 0 || criticalCount < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "thresholds must not be negative: --warning-count " + warningCount + ", --critical-count " + criticalCount);
    }
    if (!(timeoutSeconds >= 0.002) || timeoutSeconds > Integer.MAX_VALUE / 1000.0) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--timeout must be a positive number of seconds, got " + timeoutSeconds);
    }
    PrintWriter out = spec.commandLine().getOut();
    CheckReport report;
    try {
      AggregatorSettings settings = AggregatorSettings.from(IniFile.load(config), section);
      List<String> groups = new ArrayList<>(MonitoredGroups.read(settings.monitorGroupsFile()).groups());
      // As the aggregator does: its own group is not a mirror (it would always look in sync).
      groups.remove(settings.ackGroup());
      if (groups.isEmpty()) {
        throw new GroupsFileException(settings.monitorGroupsFile(),
            "lists no consumer group but the aggregator's own (" + settings.ackGroup() + ")", null);
      }
      AggregationStatus status = read(settings, groups, Duration.ofMillis(Math.round(timeoutSeconds * 1000)));
      if (telegraf) {
        out.println(AggregatorLagCheck.telegraf(status));
        out.flush();
        return 0;
      }
      report = new AggregatorLagCheck(warningCount, criticalCount).report(status);
    } catch (ConfigException | GroupsFileException | ReplicationLogUnavailableException e) {
      report = CheckReport.unknown(e.getMessage());
    } catch (RuntimeException e) {
      // Still an answer Nagios can show; the stack trace goes to the log (stderr).
      log.error("check-aggregator-lag failed", e);
      report = CheckReport.unknown("internal error: " + e);
    }
    report.lines().forEach(out::println);
    out.flush();
    return report.exitCode();
  }

  /**
   * Reads the status within {@code deadline}, whatever Kafka does: the reading takes several
   * requests in a row, each bounded by half the deadline, and the whole is abandoned (on a daemon
   * thread) when the deadline passes, so Nagios gets our UNKNOWN rather than its own timeout.
   */
  private static AggregationStatus read(AggregatorSettings settings, List<String> groups, Duration deadline)
      throws ReplicationLogUnavailableException {
    String where = "Kafka at " + String.join(",", settings.kafka().bootstrapServers());
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "aggregator-lag-query");
      t.setDaemon(true);
      return t;
    });
    try {
      Future<AggregationStatus> answer = executor.submit(() -> {
        try (OffsetsAdmin admin = new OffsetsAdmin(
            KafkaClientConfig.from(settings.kafka()), deadline.dividedBy(2), Clock.systemUTC())) {
          return new AggregationStatusReader(admin, settings.monitorTopic(), settings.ackGroup()).read(groups);
        }
      });
      try {
        return answer.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        answer.cancel(true);
        throw new ReplicationLogUnavailableException("no answer from " + where + " about topic "
            + settings.monitorTopic() + " within " + deadline.toMillis() / 1000.0 + " s", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof ReplicationLogUnavailableException u) {
          throw u;
        }
        if (cause instanceof RuntimeException r) {
          throw r;
        }
        throw new IllegalStateException(cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ReplicationLogUnavailableException("interrupted while asking " + where, e);
      }
    } finally {
      executor.shutdownNow();
    }
  }
}
