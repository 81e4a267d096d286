package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vcsreplicator check-aggregator-lag CONFIG}: the Nagios check of the aggregator (the
 * original's {@code check_vcsreplicator_aggregator_lag}).
 *
 * <p>Nagios reads exit 2 as CRITICAL, so every usage or internal error exits 3 (UNKNOWN) with a
 * first line {@code UNKNOWN - <reason>}: options are parsed here rather than by picocli, and the
 * few errors picocli still raises (an option missing its value) exit 3 as well.
 */
@Command(
    name = "check-aggregator-lag",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    exitCodeOnExecutionException = 3,
    description = {
        "Nagios check: how many records every monitored consumer group acknowledged that the aggregator "
            + "has not copied yet (reads [aggregator] hosts, client_id, monitor_topic, monitor_groups_file, "
            + "ack_group).",
        "Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (usage error, bad config, Kafka not answering)."})
final class CheckAggregatorLagCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "Config file with an [aggregator] section.")
  String config;

  @Option(names = "--warning-count", paramLabel = "N", defaultValue = "" + AggregatorLagCheck.DEFAULT_WARNING_COUNT,
      description = "Total messages behind at which a warning is reported (default: ${DEFAULT-VALUE}).")
  String warningCount;

  @Option(names = "--critical-count", paramLabel = "N", defaultValue = "" + AggregatorLagCheck.DEFAULT_CRITICAL_COUNT,
      description = "Total messages behind at which a critical is reported (default: ${DEFAULT-VALUE}).")
  String criticalCount;

  @Option(names = "--telegraf", description = "Print JSON for Telegraf's exec input instead, and exit 0.")
  boolean telegraf;

  @Option(names = "--section", paramLabel = "NAME", defaultValue = AggregatorSettings.DEFAULT_SECTION,
      description = "Config section to read (default: ${DEFAULT-VALUE}).")
  String section;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
      description = "Give up (UNKNOWN) when Kafka does not answer within this time (default: ${DEFAULT-VALUE}).")
  String timeout;

  @CommandLine.Unmatched List<String> unmatched;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    AggregatorLagCheck.Report report;
    try {
      report = run(out);
    } catch (UsageException | ConfigException | GroupsFileException | ReplicationLogUnavailableException e) {
      report = AggregatorLagCheck.unknown(e.getMessage());
    } catch (RuntimeException e) {
      report = AggregatorLagCheck.unknown("internal error: " + e);
    }
    if (report != null) {
      report.lines().forEach(out::println);
    }
    out.flush();
    return report == null ? 0 : report.exitCode();
  }

  /** The report to print, or null when the Telegraf JSON was printed. */
  private AggregatorLagCheck.Report run(PrintWriter out)
      throws UsageException, GroupsFileException, ReplicationLogUnavailableException {
    if (unmatched != null && !unmatched.isEmpty()) {
      throw new UsageException("unknown argument(s): " + String.join(" ", unmatched));
    }
    if (config == null) {
      throw new UsageException("missing CONFIG (usage: check-aggregator-lag CONFIG [--warning-count N] "
          + "[--critical-count N] [--telegraf])");
    }
    AggregatorLagCheck check = new AggregatorLagCheck(count("--warning-count", warningCount),
        count("--critical-count", criticalCount));
    Duration requestTimeout = seconds("--timeout", timeout);
    AggregatorSettings settings = AggregatorSettings.from(IniFile.load(Path.of(config)), section);
    MonitoredGroups groups = MonitoredGroups.read(settings.monitorGroupsFile());
    AggregationStatus status;
    try (OffsetsAdmin admin = new OffsetsAdmin(KafkaClientConfig.from(settings.kafka()), requestTimeout, Clock.systemUTC())) {
      status = new AggregationStatusReader(admin, settings.monitorTopic(), settings.ackGroup()).read(groups.groups());
    }
    if (telegraf) {
      out.println(AggregatorLagCheck.telegraf(status));
      return null;
    }
    return check.report(status);
  }

  private static long count(String option, String value) throws UsageException {
    try {
      long n = Long.parseLong(value.strip());
      if (n < 0) {
        throw new UsageException(option + " must not be negative, got " + value);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a whole number, got '" + value + "'");
    }
  }

  private static Duration seconds(String option, String value) throws UsageException {
    try {
      double s = Double.parseDouble(value.strip());
      if (!(s > 0) || s > Integer.MAX_VALUE / 1000.0) {
        throw new UsageException(option + " must be a positive number of seconds, got " + value);
      }
      return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
    } catch (NumberFormatException e) {
      throw new UsageException(option + " must be a number of seconds, got '" + value + "'");
    }
  }

  /** A bad command line: UNKNOWN, never CRITICAL. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }
}
