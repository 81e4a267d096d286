package org.vcsreplicator.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.NotifierSettings;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.kafka.SkipNotRecordedException;
import org.vcsreplicator.kafka.SkipRecorder;
import org.vcsreplicator.kafka.SkipRefusedException;
import org.vcsreplicator.kafka.SkipRequest;
import org.vcsreplicator.pulse.NotifierMisconfiguredException;
import org.vcsreplicator.pulse.PulseNotifier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code pulse-notify CONFIG [--skip [--offset N] [--reason TEXT]] [--start-from N]}: the Pulse notifier daemon on the master,
 * with the options of the original's {@code vcsreplicator-pulse-notifier CONFIG}. Thin: parse,
 * load {@code [pulseconsumer]}, {@code [pulse]} and the rewrite sections, call {@link
 * PulseNotifier}, print, return the exit code.
 */
@Command(name = "pulse-notify", mixinStandardHelpOptions = true,
    description = {
        "Pulse notifier: publish a notification for every event of the aggregated topic that every "
            + "mirror has applied, acknowledging each event only once Pulse confirmed it. Runs until "
            + "SIGTERM/SIGINT (exit 0), or exits 1 at an event it cannot handle or when the master's "
            + "repository root is missing (it never skips events because of a misconfiguration).",
        "Config: [pulseconsumer] (hosts, client_id, topic, group, ...), [pulse], [path_rewrites], "
            + "[public_url_rewrites], [ignore_paths], [programs] hg."})
final class PulseNotifyCommand implements Callable<Integer> {
  // The original's logger name; its lines are what operators' runbooks search for.
  private static final Logger log = LoggerFactory.getLogger("vcsreplicator.pushnotifications");

  /** How long --skip waits for a pending record to arrive once Kafka says there is one. */
  static final Duration SKIP_WAIT = Duration.ofSeconds(30);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Parameters(index = "0", paramLabel = "CONFIG", description = "The master's notifications ini file.")
  Path config;

  @CommandLine.Option(names = "--skip",
      description = "Acknowledge the next pending event without notifying it, print what was skipped, and exit. "
          + "The event is first recorded, whole, in the skip audit topic ([pulseconsumer] skip_topic, default "
          + "<topic>-skipped); nothing is acknowledged unless that record is written.")
  boolean skip;

  @CommandLine.Mixin SkipOptions skipOptions;

  @CommandLine.Option(names = "--start-from", paramLabel = "N",
      description = "Start at offset N of the topic instead of the group's committed offset.")
  Long startFrom;

  @CommandLine.Mixin MetricsOptions metricsOptions;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    metricsOptions.validate();
    NotifierSettings settings;
    try {
      settings = NotifierSettings.from(IniFile.load(config));
    } catch (ConfigException e) {
      return fail(err, e.getMessage());
    }
    Optional<String> misuse = skipOptions.misuse(skip);
    if (misuse.isPresent()) {
      return fail(err, misuse.get());
    }
    OptionalLong start = startFrom == null ? OptionalLong.empty() : OptionalLong.of(startFrom);
    try {
      if (skip) {
        return skip(settings, start, out);
      }
      try (MetricsOptions.DaemonMetrics metrics = metricsOptions.start(log);
           PulseNotifier notifier = PulseNotifier.open(settings, start, Clock.systemUTC(), metrics.metrics());
           SignalStop signals = SignalStop.install(log, notifier::stop)) {
        // With metrics served, a stop on an event holds the process up so the stopped gauge is seen.
        int code = notifier.run(metrics.served());
        log.warn("process exiting code {}", code);
        return code;
      }
    } catch (NotifierMisconfiguredException | HgUnavailableException | KafkaException | SkipRefusedException
        | SkipNotRecordedException | MetricsOptions.MetricsUnavailableException e) {
      return fail(err, e.getMessage());
    }
  }

  private int skip(NotifierSettings settings, OptionalLong start, PrintWriter out)
      throws NotifierMisconfiguredException, SkipRefusedException, SkipNotRecordedException {
    SkipRequest request = skipOptions.request();
    Optional<PulseNotifier.Skipped> skipped;
    // The output stays the original's one line; the recorder logs where the skip is recorded.
    try (SkipRecorder recorder = SkipRecorder.forSettings(settings.consumer())) {
      skipped = PulseNotifier.skipNext(settings, start, SKIP_WAIT, request, recorder);
    }
    if (skipped.isEmpty()) {
      out.println("no message available; nothing to skip");
      out.flush();
      return 1;
    }
    PulseNotifier.Skipped s = skipped.get();
    out.println("skipped " + s.name() + " message in partition " + s.at().partition() + " for group "
        + settings.consumer().group());
    out.flush();
    return 0;
  }

  private static int fail(PrintWriter err, String message) {
    err.println("vcsreplicator: " + message);
    err.flush();
    return 1;
  }
}
