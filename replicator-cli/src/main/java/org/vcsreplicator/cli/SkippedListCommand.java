package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.kafka.SkipRecordReader;
import org.vcsreplicator.skip.SkipListing;
import org.vcsreplicator.skip.SkipRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code skipped list CONFIG [--repo WIRE-PATH] [--since ISO-TIME] [--json]}. */
@Command(name = "list", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    description = {
        "Show the skip records of the audit topic, oldest first: one row per skipped event with its id "
            + "(GROUP:TOPIC:PARTITION:OFFSET, what `skipped replay` takes), time (UTC), user, repo, kind, "
            + "reason and when it was last replayed.",
        "--json prints the selected records as a JSON list instead, replay records included "
            + "(they name their skip in replay_of)."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:printed (also when nothing was ever skipped)",
        "1:bad usage, unreadable configuration, or Kafka did not answer (one line on stderr)"})
final class SkippedListCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "vcsreplicator.ini")
  Path config;

  @Option(names = "--repo", paramLabel = "WIRE-PATH", description = "only events of this repository, e.g. {moz}/mozilla-central")
  String repo;

  @Option(names = "--since", paramLabel = "ISO-TIME",
      description = "only records written at or after this time: 2024-05-01T03:00:00Z, 2024-05-01T05:00:00+02:00, "
          + "or 2024-05-01 (no offset means UTC)")
  String since;

  @Option(names = "--json", description = "print the records' JSON objects as one list")
  boolean json;

  @Option(names = "--consumer-section", paramLabel = "SECTION", defaultValue = ConsumerSettings.DEFAULT_SECTION,
      description = "config section naming the cluster and the skip topic (default: ${DEFAULT-VALUE}); "
          + "the heads consumer and the notifier have their own")
  String section;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Optional<Instant> from = Optional.ofNullable(since).map(SkipListing::parseSince);
      SkipListing.Filter filter = new SkipListing.Filter(Optional.ofNullable(repo), from);
      ConsumerSettings settings = ConsumerSettings.from(IniFile.load(config), section);
      SkipRecordReader reader = SkipRecordReader.forSettings(settings);
      List<SkipRecord> all = reader.readAll();
      if (json) {
        out.println(SkipListing.json(all, filter));
      } else if (SkipListing.select(all, filter).stream().allMatch(SkipRecord::isReplay)) {
        out.println("no skipped events recorded in " + reader.auditTopic()
            + (repo != null || since != null ? " match the filters" : ""));
      } else {
        SkipListing.table(all, filter).forEach(out::println);
      }
      out.flush();
      return 0;
    } catch (ConfigException | IllegalArgumentException | KafkaException e) {
      err.println("vcsreplicator: " + e.getMessage());
      err.flush();
      return 1;
    }
  }
}
