package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.ConsumerSettings;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.consumer.ConsumeSession;
import org.vcsreplicator.consumer.ConsumerLog;
import org.vcsreplicator.consumer.EventDisplay;
import org.vcsreplicator.consumer.Outcome;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.kafka.SkipNotRecordedException;
import org.vcsreplicator.kafka.SkipRecordReader;
import org.vcsreplicator.kafka.SkipRecorder;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.skip.SkipRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code skipped replay CONFIG ID [--heads]}: re-applies one skipped event to this mirror through
 * the consumer's own handler ({@code EventApplier}, or the heads consumer's), then records the replay in the audit topic (a replay record
 * naming the skip in {@code replay_of}).
 */
@Command(name = "replay", mixinStandardHelpOptions = true, exitCodeOnInvalidInput = 1,
    description = {
        "Re-apply one skipped event (by the id `skipped list` shows) to this mirror, exactly as the consumer "
            + "(or with --heads, the heads consumer) would apply it, after its cause was fixed; then record the "
            + "replay in the audit topic.",
        "Only skips of this mirror's group and topic ([consumer] group and topic) are replayed. The event is "
            + "applied as it was: if later events of the same repository were applied since (a newer hgrc, "
            + "a bookmark move), replaying an older one of those kinds can undo them; a changegroup, an init "
            + "or a sync is safe to replay at any time."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:applied and recorded",
        "1:not applied, or applied but not recorded, or bad usage (one line on stderr)"})
final class SkippedReplayCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLog.NAME);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "the mirror's vcsreplicator.ini")
  Path config;

  @Parameters(index = "1", paramLabel = "ID", description = "GROUP:TOPIC:PARTITION:OFFSET, as `skipped list` shows it")
  String id;

  @Option(names = "--reason", paramLabel = "TEXT", description = "recorded with the replay (optional)")
  String reason;

  @Option(names = "--heads",
      description = "the skip was made by heads-consume (CONFIG is then its vcsreplicator-pending.ini): replay "
          + "through the heads consumer, which writes .hg/replicated-data")
  boolean heads;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ConsumerSettings settings = ConsumerSettings.from(IniFile.load(config));
      SkipRecord skipped = find(SkipRecordReader.forSettings(settings).readAll(), settings);
      Event event = skipped.decode().event();
      log.info("replaying {} skipped at {} by {} ({})", EventDisplay.of(event), skipped.at(), skipped.by().user(),
          skipped.id());
      Outcome outcome;
      try (ConsumeSession session = heads ? ConsumeSession.openHeads(settings, config.toString())
          : ConsumeSession.open(settings, config.toString())) {
        outcome = session.replay(event);
      }
      if (!outcome.isApplied()) {
        throw new Refusal("replay of " + id + " failed: " + oneLine(reasonOf(outcome)) + "; nothing recorded, "
            + "fix the cause and run it again");
      }
      SkipRecord replay;
      try (SkipRecorder recorder = SkipRecorder.forSettings(settings)) {
        replay = recorder.recordReplay(skipped, Optional.ofNullable(reason));
      } catch (SkipNotRecordedException e) {
        throw new Refusal(id + " was applied, but " + e.getMessage() + "; run the replay again to record it");
      }
      out.println("replayed " + skipped.kind() + skipped.repo().map(r -> " for " + r).orElse("") + " from partition " + skipped.partition() + " offset "
          + skipped.offset() + "; recorded as " + replay.id() + " in " + settings.skipTopic());
      out.flush();
      return 0;
    } catch (Refusal e) {
      return fail(err, e.getMessage());
    } catch (UndecodableRecordException e) {
      return fail(err, "cannot replay " + id + ": " + e.reason() + " (an event this version cannot apply)");
    } catch (ConfigException | HgUnavailableException | KafkaException | IllegalArgumentException
        | IllegalStateException e) {
      return fail(err, e.getMessage());
    }
  }

  /** The newest skip record with that id, of this mirror's group and topic. */
  private SkipRecord find(List<SkipRecord> records, ConsumerSettings settings) throws Refusal {
    SkipRecord found = null;
    for (SkipRecord r : records) {
      if (r.id().equals(id)) {
        if (r.isReplay()) {
          throw new Refusal(id + " is a replay record; replay the skip it names: " + r.replayOf().orElseThrow());
        }
        found = r;
      }
    }
    if (found == null) {
      throw new Refusal("no skip record " + id + " in " + settings.skipTopic() + " (see `bin/vcsreplicator skipped list "
          + config + "`)");
    }
    if (!found.group().equals(settings.group()) || !found.topic().equals(settings.topic())) {
      throw new Refusal(id + " was skipped by group " + found.group() + " on topic " + found.topic()
          + "; this mirror consumes " + settings.topic() + " as group " + settings.group());
    }
    return found;
  }

  private static String reasonOf(Outcome outcome) {
    if (outcome instanceof Outcome.PermanentFailure p) {
      return p.reason();
    }
    if (outcome instanceof Outcome.TransientFailure t) {
      return t.reason();
    }
    return outcome.toString();
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " / ");
  }

  private static int fail(PrintWriter err, String line) {
    err.println("vcsreplicator: " + line);
    err.flush();
    return 1;
  }

  /** Ends the command with one line and exit 1. */
  private static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;

    Refusal(String message) {
      super(message);
    }
  }
}
