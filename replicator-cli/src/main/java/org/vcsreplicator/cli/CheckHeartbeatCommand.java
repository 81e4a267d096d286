package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.kafka.EventProducer;
import org.vcsreplicator.kafka.EventProducer.HeartbeatResult;
import org.vcsreplicator.kafka.KafkaClientConfig;
import org.vcsreplicator.offsets.CheckReport;
import org.vcsreplicator.offsets.CheckStatus;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code check-heartbeat CONFIG}: the original's {@code check_kafka_hg_heartbeat}, a Nagios check
 * run on the master that proves pushes can be recorded: it writes a heartbeat into every mapped
 * partition, all at once, within the config's {@code acktimeout}.
 */
@Command(
    name = "check-heartbeat",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    exitCodeOnExecutionException = 3,
    description = {
        "Nagios check of the master's replication log: write a heartbeat into every partition of "
            + "the partition map ([replicationproducer] of CONFIG), each acknowledged within acktimeout."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:OK: every partition acknowledged its heartbeat",
        "2:CRITICAL: some partition did not (pushes to its repositories are refused)",
        "3:UNKNOWN: bad usage or an unreadable or invalid configuration"})
final class CheckHeartbeatCommand implements Callable<Integer>, NagiosCheck {
  private static final Logger log = LoggerFactory.getLogger(CheckHeartbeatCommand.class);

  /** After the per-partition lines; the original's explanation, pointing to our documentation. */
  static final List<String> FOOTER = List.of(
      "We were unable to write a heartbeat message into the replication",
      "log. This likely means incoming pushes will not complete since they",
      "will not be able to write to the replication log.",
      "",
      "See \"Broker outages\" in docs/producer-design.md for what to check.");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG",
      description = "The producer's INI file ([replicationproducer]; the master's hgrc works).")
  Path config;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CheckReport report;
    try {
      ProducerSettings settings = ProducerSettings.from(IniFile.load(config));
      try (EventProducer producer =
          new EventProducer(KafkaClientConfig.from(settings.kafka()), settings.ackTimeout(), Clock.systemUTC())) {
        report = report(producer.tryHeartbeats(settings.topic(), settings.partitionMap().allPartitions()));
      }
    } catch (ConfigException | IllegalArgumentException e) {
      report = CheckReport.unknown(e.getMessage());
    } catch (RuntimeException e) {
      // Still an answer Nagios can show; the stack trace goes to the log (stderr).
      log.error("check-heartbeat failed", e);
      report = CheckReport.unknown("internal error: " + e);
    }
    report.lines().forEach(out::println);
    out.flush();
    return report.exitCode();
  }

  /** The report for these outcomes, one per mapped partition. Pure. */
  static CheckReport report(List<HeartbeatResult> results) {
    long written = results.stream().filter(HeartbeatResult::isWritten).count();
    if (written == results.size()) {
      return new CheckReport(CheckStatus.OK, List.of(
          "OK - heartbeat message sent to " + written + "/" + results.size() + " partitions successfully"));
    }
    List<String> lines = new ArrayList<>();
    for (HeartbeatResult r : results) {
      r.reason().ifPresent(why -> lines.add("CRITICAL - error writing to partition " + r.partition() + ": " + why));
    }
    lines.add("");
    lines.add("heartbeat message sent to " + written + "/" + results.size() + " partitions successfully");
    lines.add("");
    lines.addAll(FOOTER);
    return new CheckReport(CheckStatus.CRITICAL, lines);
  }
}
