package org.vcsreplicator.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.aggregator.Aggregator;
import org.vcsreplicator.aggregator.AggregatorDaemon;
import org.vcsreplicator.aggregator.AggregatorLog;
import org.vcsreplicator.config.AggregatorSettings;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.IniFile;
import org.vcsreplicator.config.RetrySettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vcsreplicator aggregate CONFIG}: the aggregator daemon (the original's {@code vcsreplicator-aggregator}). */
@Command(
    name = "aggregate",
    mixinStandardHelpOptions = true,
    description = {
        "Copy, in order, every record of [aggregator] monitor_topic that all consumer groups listed in "
            + "monitor_groups_file have acknowledged to aggregate_topic (partition 0), adding "
            + "_original_created and _original_partition. The groups file is re-read on every poll.",
        "A copy is committed only after Kafka acknowledged it: a crash may duplicate, never lose."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:graceful stop: --max-polls reached, --onetime, or SIGTERM/SIGINT",
        "1:Kafka unreachable past the retries, an unexpected error, or a bad configuration",
        "2:bad usage"})
final class AggregateCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(AggregatorLog.NAME);

  /** Bound for each Kafka request and for one copy's acknowledgement (the original's ack_timeout). */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONFIG", description = "Config file with an [aggregator] section.")
  Path config;

  @Option(names = "--onetime", description = "Poll once, copy what is pending, and exit.")
  boolean onetime;

  @Option(names = "--max-polls", paramLabel = "N", defaultValue = "" + AggregatorDaemon.DEFAULT_MAX_POLLS,
      description = "Exit (code 0) after N polls; a supervisor restarts it (default: ${DEFAULT-VALUE}).")
  int maxPolls;

  @Option(names = "--section", paramLabel = "NAME", defaultValue = AggregatorSettings.DEFAULT_SECTION,
      description = "Config section to read (default: ${DEFAULT-VALUE}).")
  String section;

  @CommandLine.Mixin MetricsOptions metricsOptions;

  @Override
  public Integer call() {
    if (maxPolls < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-polls must be at least 1, got " + maxPolls);
    }
    metricsOptions.validate();
    AggregatorSettings settings;
    RetrySettings retry;
    try {
      settings = AggregatorSettings.from(IniFile.load(config), section);
      retry = retrySettings(System.getenv());
    } catch (ConfigException e) {
      spec.commandLine().getErr().println(e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    AggregatorDaemon.Options options =
        new AggregatorDaemon.Options(maxPolls, onetime, AggregatorDaemon.DEFAULT_POLL_INTERVAL, retry);
    log.info("aggregating topic={} into topic={} as group={} for the groups listed in {}",
        settings.monitorTopic(), settings.aggregateTopic(), settings.ackGroup(), settings.monitorGroupsFile());
    int code;
    try (MetricsOptions.DaemonMetrics metrics = metricsOptions.start(log);
         Aggregator aggregator = Aggregator.create(settings, REQUEST_TIMEOUT, Clock.systemUTC(), metrics.metrics())) {
      AggregatorDaemon daemon = new AggregatorDaemon(aggregator, options, metrics.metrics());
      try (SignalStop signals = SignalStop.install(log, () -> {
        log.warn("exiting gracefully");
        daemon.requestStop();
      })) {
        code = daemon.run();
      }
    } catch (MetricsOptions.MetricsUnavailableException e) {
      spec.commandLine().getErr().println("vcsreplicator: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    log.warn("process exiting code {}", code);
    return code;
  }

  /**
   * Retries of transient Kafka failures: {@link RetrySettings#defaults()}, overridden by the
   * environment variables that configured the original.
   */
  static RetrySettings retrySettings(Map<String, String> env) {
    RetrySettings defaults = RetrySettings.defaults();
    int maxRetries = defaults.maxRetries();
    Duration baseDelay = defaults.baseDelay();
    String retries = env.get(RetrySettings.ENV_MAX_RETRIES);
    if (retries != null) {
      try {
        maxRetries = Integer.parseInt(retries.strip());
      } catch (NumberFormatException e) {
        throw new ConfigException(ConfigException.ENVIRONMENT, null, RetrySettings.ENV_MAX_RETRIES,
            "not an integer: '" + retries + "'");
      }
      if (maxRetries < 0) {
        throw new ConfigException(ConfigException.ENVIRONMENT, null, RetrySettings.ENV_MAX_RETRIES,
            "must not be negative: " + maxRetries);
      }
    }
    String delay = env.get(RetrySettings.ENV_BASE_DELAY);
    if (delay != null) {
      try {
        baseDelay = Duration.ofNanos(Math.round(Double.parseDouble(delay.strip()) * 1e9));
      } catch (NumberFormatException e) {
        throw new ConfigException(ConfigException.ENVIRONMENT, null, RetrySettings.ENV_BASE_DELAY,
            "not a number of seconds: '" + delay + "'");
      }
      if (baseDelay.isNegative()) {
        throw new ConfigException(ConfigException.ENVIRONMENT, null, RetrySettings.ENV_BASE_DELAY,
            "must not be negative: " + delay);
      }
    }
    return new RetrySettings(maxRetries, baseDelay);
  }
}
