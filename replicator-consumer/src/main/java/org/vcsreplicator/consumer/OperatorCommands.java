package org.vcsreplicator.consumer;

import java.util.Objects;

/**
 * The operator commands printed in error lines, naming the subcommand and configuration file the
 * daemon was started with, so that the line can be copied into a shell as it is.
 *
 * @param launcher the command that runs this project, e.g. {@code bin/vcsreplicator}; never null
 * @param subcommand the daemon's subcommand, {@code consume} or {@code heads-consume}; never null
 * @param configPath the configuration file as given on the command line; never null
 */
public record OperatorCommands(String launcher, String subcommand, String configPath) {
  public static final String DEFAULT_LAUNCHER = "bin/vcsreplicator";
  public static final String CONSUME = "consume";
  public static final String HEADS_CONSUME = "heads-consume";

  public OperatorCommands {
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(subcommand, "subcommand");
    Objects.requireNonNull(configPath, "configPath");
  }

  /** The mirror consumer's commands ({@code consume}). */
  public OperatorCommands(String launcher, String configPath) {
    this(launcher, CONSUME, configPath);
  }

  public static OperatorCommands forConfig(String configPath) {
    return new OperatorCommands(DEFAULT_LAUNCHER, configPath);
  }

  /** The heads consumer's commands ({@code heads-consume}). */
  public static OperatorCommands forHeadsConsumer(String configPath) {
    return new OperatorCommands(DEFAULT_LAUNCHER, HEADS_CONSUME, configPath);
  }

  /** {@code bin/vcsreplicator consume CONFIG --dump --partition P}. */
  public String dump(int partition) {
    return launcher + " " + subcommand + " " + configPath + " --dump --partition " + partition;
  }

  /** {@code bin/vcsreplicator consume CONFIG --skip --partition P}. */
  public String skip(int partition) {
    return launcher + " " + subcommand + " " + configPath + " --skip --partition " + partition;
  }

  /**
   * {@code bin/vcsreplicator consume CONFIG --skip --partition P --offset N}: skips exactly that
   * event or refuses (another operator or a restarted consumer may have moved on meanwhile).
   */
  public String skip(int partition, long offset) {
    return skip(partition) + " --offset " + offset;
  }

  /**
   * {@code bin/vcsreplicator skipped replay CONFIG ID}, with {@code --heads} for the heads
   * consumer: re-applies a skipped event through this daemon's handler.
   */
  public String replay(String skipId) {
    return launcher + " skipped replay " + configPath + " " + skipId + (HEADS_CONSUME.equals(subcommand) ? " --heads" : "");
  }
}
