package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.offsets.CheckReport;
import org.vcsreplicator.offsets.ConsumerLagCheck;
import org.vcsreplicator.offsets.LagReading;
import org.vcsreplicator.offsets.LagThresholds;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code check-lag}: the original's {@code check_vcsreplicator_lag}, a Nagios check of how far this
 * mirror's consumer group is behind, by messages and by the age of the oldest unapplied event.
 */
@Command(
    name = "check-lag",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    exitCodeOnExecutionException = 3,
    description = {
        "Nagios check of the lag of the consumer group of a consumer section: per partition the "
            + "messages not yet applied and the age of the oldest of them, against the thresholds "
            + "(a lag at or above a threshold reaches it).",
        "A partition the group never committed on counts from the partition's first offset."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:OK (also every --telegraf output)",
        "1:WARNING: a partition reached a warning threshold, or the producer's clock is ahead",
        "2:CRITICAL: a partition reached a critical threshold",
        "3:UNKNOWN: bad usage, unreadable configuration, or Kafka did not answer in time"})
final class CheckLagCommand implements Callable<Integer>, NagiosCheck {
  private static final Logger log = LoggerFactory.getLogger(CheckLagCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "vcsreplicator.ini of the mirror")
  Path config;

  @Option(names = "--consumer-section", paramLabel = "SECTION", defaultValue = ConsumerSettings.DEFAULT_SECTION,
      description = "config section with hosts, client_id, topic and group (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--warning-lag-count", paramLabel = "MESSAGES", defaultValue = "150",
      description = "messages behind from which a partition is WARNING (default: ${DEFAULT-VALUE})")
  double warningLagCount;

  @Option(names = "--warning-lag-time", paramLabel = "SECONDS", defaultValue = "150",
      description = "age of the oldest unapplied message from which a partition is WARNING (default: ${DEFAULT-VALUE})")
  double warningLagTime;

  @Option(names = "--critical-lag-count", paramLabel = "MESSAGES", defaultValue = "600",
      description = "messages behind from which a partition is CRITICAL (default: ${DEFAULT-VALUE})")
  double criticalLagCount;

  @Option(names = "--critical-lag-time", paramLabel = "SECONDS", defaultValue = "600",
      description = "age of the oldest unapplied message from which a partition is CRITICAL (default: ${DEFAULT-VALUE})")
  double criticalLagTime;

  @Option(names = "--telegraf", description = "print a JSON list of {available, lag_time, offset, partition} "
      + "for Telegraf's exec input instead, and exit 0")
  boolean telegraf;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "8",
      description = "answer UNKNOWN when Kafka has not answered within this many seconds (default: ${DEFAULT-VALUE})")
  double timeoutSeconds;

  // visible for testing: "now" for the age of the oldest unapplied event
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CheckReport report;
    try {
      LagThresholds thresholds = new LagThresholds(warningLagCount, warningLagTime, criticalLagCount, criticalLagTime);
      ConsumerSettings settings = ConsumerSettings.from(IniFile.load(config), section);
      List<LagReading> readings = LagQuery.read(
          settings.kafka(), settings.topic(), List.of(settings.group()), LagQuery.deadline(timeoutSeconds), clock);
      if (telegraf) {
        out.println(ConsumerLagCheck.telegraf(readings));
        out.flush();
        return 0;
      }
      report = ConsumerLagCheck.evaluate(readings, thresholds);
    } catch (ConfigException | ReplicationLogUnavailableException | IllegalArgumentException e) {
      report = CheckReport.unknown(e.getMessage());
    } catch (RuntimeException e) {
      // Still an answer Nagios can show; the stack trace goes to the log (stderr).
      log.error("check-lag failed", e);
      report = CheckReport.unknown("internal error: " + e);
    }
    report.lines().forEach(out::println);
    out.flush();
    return report.exitCode();
  }
}
