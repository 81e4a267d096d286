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
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.kafka.ReplicationLogUnavailableException;
import org.vcsreplicator.offsets.LagReading;
import org.vcsreplicator.offsets.OffsetsReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code print-offsets}: the original's {@code vcsreplicator-print-offsets}. */
@Command(
    name = "print-offsets",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 3,
    exitCodeOnExecutionException = 3,
    description = {
        "Print, per consumer group and partition, the committed offset, the end offset (available) "
            + "and the age in seconds of the oldest unapplied event (0 when in sync, 'error' when "
            + "that event cannot be read).",
        "A partition a group never committed on counts from the partition's first offset."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:printed",
        "3:bad usage, unreadable configuration, or Kafka did not answer (one line on stderr)"})
final class PrintOffsetsCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(PrintOffsetsCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "vcsreplicator.ini of the mirror")
  Path config;

  @Parameters(index = "1", arity = "0..1", paramLabel = "GROUP[,GROUP...]",
      description = "consumer groups to show (default: 'group' of the consumer section)")
  String groups;

  @Option(names = "--consumer-section", paramLabel = "SECTION", defaultValue = ConsumerSettings.DEFAULT_SECTION,
      description = "config section with hosts, client_id, topic and group (default: ${DEFAULT-VALUE})")
  String section;

  @Option(names = "--json", description = "print a JSON list of objects (topic, group, partition, offset, "
      + "available, lag_messages, lag_seconds) instead of the table; lag_seconds is null where the table says error")
  boolean json;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "8",
      description = "give up when Kafka has not answered within this many seconds (default: ${DEFAULT-VALUE})")
  double timeoutSeconds;

  // visible for testing: "now" for the age of the oldest unapplied event
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ConsumerSettings settings = ConsumerSettings.from(IniFile.load(config), section);
      List<String> names = groups == null ? List.of(settings.group()) : splitGroups(groups);
      List<LagReading> readings =
          LagQuery.read(settings.kafka(), settings.topic(), names, LagQuery.deadline(timeoutSeconds), clock);
      if (json) {
        out.println(OffsetsReport.json(readings));
      } else {
        OffsetsReport.table(readings).forEach(out::println);
      }
      out.flush();
      return 0;
    } catch (ConfigException | ReplicationLogUnavailableException | IllegalArgumentException e) {
      return fail(err, e.getMessage());
    } catch (RuntimeException e) {
      log.error("print-offsets failed", e);
      return fail(err, "internal error: " + e);
    }
  }

  private static int fail(PrintWriter err, String message) {
    err.println("print-offsets: " + message);
    err.flush();
    return 3;
  }

  private static List<String> splitGroups(String text) {
    List<String> out = new ArrayList<>();
    for (String g : text.split(",")) {
      if (!g.isBlank()) {
        out.add(g.strip());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no consumer group named in '" + text + "'");
    }
    return out;
  }
}
