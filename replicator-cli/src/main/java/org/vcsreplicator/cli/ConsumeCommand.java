package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
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
import org.vcsreplicator.consumer.DumpYaml;
import org.vcsreplicator.consumer.EventDisplay;
import org.vcsreplicator.consumer.MirrorConsumer;
import org.vcsreplicator.consumer.PendingRecord;
import org.vcsreplicator.consumer.PendingRecords;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.kafka.SkipNotRecordedException;
import org.vcsreplicator.kafka.SkipRecorder;
import org.vcsreplicator.kafka.SkipRefusedException;
import org.vcsreplicator.kafka.SkipRequest;
import org.vcsreplicator.skip.SkipRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code consume CONFIG [flags]}: the mirror consumer daemon and its operator flags, with the
 * names and meaning of the original's {@code vcsreplicator-consumer CONFIG}. Thin: parse, load the
 * settings, call {@link ConsumeSession}, print, return the exit code.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
    description = {
        "Mirror consumer: apply the replication log to this mirror's repositories, committing each "
            + "event only after it is applied. Without flags it runs until SIGTERM/SIGINT, or exits 1 "
            + "at an event it cannot apply (inspect it with --dump, drop it with --skip).",
        "Flags are checked in this order: --wait-for-no-lag, --wait-for-n, --dump, --skip.",
        "Exit 1 also when --skip finds nothing pending, refuses (--offset), or cannot record the skip."})
class ConsumeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ConsumerLog.NAME);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The mirror's vcsreplicator.ini.")
  Path config;

  @CommandLine.Option(names = "--dump", description = "Print the group's pending events as YAML and exit; commits nothing.")
  boolean dump;

  @CommandLine.Option(names = "--skip",
      description = "Acknowledge exactly the next pending event (of --partition, or of the first partition with one) "
          + "without applying it, print it, and exit. The event is first recorded, whole, in the skip audit topic "
          + "([consumer] skip_topic, default <topic>-skipped); nothing is acknowledged unless that record is "
          + "written. See `skipped list` and `skipped replay`.")
  boolean skip;

  @CommandLine.Mixin SkipOptions skipOptions;

  @CommandLine.Option(names = "--onetime", description = "Process at most one event and exit.")
  boolean onetime;

  @CommandLine.Option(names = "--start-from", paramLabel = "N",
      description = "Start at offset N of each partition instead of the group's committed offset.")
  Long startFrom;

  @CommandLine.Option(names = "--partition", paramLabel = "N", description = "Consume only partition N (default: all).")
  Integer partition;

  @CommandLine.Option(names = "--wait-for-no-lag", description = "Wait until the group has no lag, then exit 0.")
  boolean waitForNoLag;

  @CommandLine.Option(names = "--wait-for-n", paramLabel = "N",
      description = "Wait until N events are available, print them, and exit (commits nothing).")
  Integer waitForN;

  @CommandLine.Mixin MetricsOptions metricsOptions;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    metricsOptions.validate();
    ConsumerSettings settings;
    try {
      settings = ConsumerSettings.from(IniFile.load(config));
    } catch (ConfigException e) {
      err.println("vcsreplicator: " + e.getMessage());
      err.flush();
      return 1;
    }
    String misuse = skipMisuse();
    if (misuse != null) {
      err.println("vcsreplicator: " + misuse);
      err.flush();
      return 1;
    }
    Optional<Integer> only = Optional.ofNullable(partition);
    OptionalLong start = startFrom == null ? OptionalLong.empty() : OptionalLong.of(startFrom);
    try (ConsumeSession session = openSession(settings, config.toString())) {
      SignalStop signals = SignalStop.install(log, session::stop);
      try {
        return run(session, only, start, out, err);
      } finally {
        signals.close();
      }
    } catch (HgUnavailableException | KafkaException | IllegalArgumentException | IllegalStateException e) {
      err.println("vcsreplicator: " + e.getMessage());
      err.flush();
      return 1;
    }
  }

  /** The session this subcommand drives; {@link HeadsConsumeCommand} opens the heads consumer's. */
  ConsumeSession openSession(ConsumerSettings settings, String configPath) {
    return ConsumeSession.open(settings, configPath);
  }

  /** The options that only make sense with --skip, used without it; null when all is well. */
  private String skipMisuse() {
    Optional<String> misuse = skipOptions.misuse(skip);
    if (misuse.isEmpty() && skipOptions.hasOffset() && partition == null) {
      return "--skip --offset N needs --partition P: offsets are per partition";
    }
    return misuse.orElse(null);
  }

  private int run(ConsumeSession session, Optional<Integer> only, OptionalLong start, PrintWriter out,
      PrintWriter err) throws HgUnavailableException {
    if (waitForNoLag) {
      return session.pendingRecords().waitForNoLag(only, session.stopSignal()) ? 0 : 1;
    }
    if (waitForN != null) {
      session.pendingRecords().waitForN(only, start, waitForN, session.stopSignal(),
          r -> out.println("got a " + display(r) + " message"));
      out.flush();
      return 0;
    }
    if (dump) {
      out.println(DumpYaml.render(session.pendingRecords().dump(only, start)));
      out.flush();
      return 0;
    }
    if (skip) {
      return skip(session, only, start, out, err);
    }
    return consume(session, only, start, err);
  }

  private int consume(ConsumeSession session, Optional<Integer> only, OptionalLong start, PrintWriter err)
      throws HgUnavailableException {
    MirrorConsumer.Result result;
    try (MetricsOptions.DaemonMetrics metrics = metricsOptions.start(log)) {
      // With metrics served, a stop on an event holds the process up so the stopped gauge is seen.
      MirrorConsumer.Options options = new MirrorConsumer.Options(only, start, onetime,
          session.settings().pollTimeout()).withHoldOnFailure(metrics.served() && !onetime);
      result = session.consume(options, metrics.metrics());
    } catch (MetricsOptions.MetricsUnavailableException e) {
      err.println("vcsreplicator: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (result == MirrorConsumer.Result.FAILED) {
      return 1;
    }
    if (!onetime) {
      log.info("process exiting gracefully");
    }
    return 0;
  }

  private int skip(ConsumeSession session, Optional<Integer> only, OptionalLong start, PrintWriter out,
      PrintWriter err) {
    SkipRequest request = skipOptions.request();
    Optional<PendingRecords.Skipped> skipped;
    // SPEC rule 2: dropping an event is an operator act, recorded with the full event before the commit.
    try (SkipRecorder recorder = SkipRecorder.forSettings(session.settings())) {
      skipped = session.pendingRecords().skipNext(only, start, request, recorder);
    } catch (SkipRefusedException | SkipNotRecordedException e) {
      err.println("vcsreplicator: " + e.getMessage());
      err.flush();
      return 1;
    }
    if (skipped.isEmpty()) {
      out.println("no message available; nothing to skip");
      out.flush();
      return 1;
    }
    PendingRecord r = skipped.get().record();
    SkipRecord audit = skipped.get().audit();
    String group = session.settings().group();
    out.println("skipped " + r.summary() + " in partition " + r.at().partition() + " offset " + r.at().offset() + ":");
    out.println(DumpYaml.render(List.of(r)));
    out.println("recorded as " + audit.id() + " in " + session.settings().skipTopic() + "; put it back with `"
        + session.commands().replay(audit.id()) + "`");
    out.println("skipped message in partition " + r.at().partition() + " for group " + group);
    out.flush();
    return 0;
  }

  private static String display(PendingRecord r) {
    try {
      return EventDisplay.of(r.decode().event());
    } catch (UndecodableRecordException e) {
      return r.summary();
    }
  }
}
