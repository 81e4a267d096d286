package org.vcsreplicator.consumer;

import java.util.Objects;

/**
 * The operator commands printed in error lines, naming the configuration file the daemon was
 * started with, so that the line can be copied into a shell as it is.
 *
 * @param launcher the command that runs this project, e.g. {@code bin/vcsreplicator}; never null
 * @param configPath the configuration file as given on the command line; never null
 */
public record OperatorCommands(String launcher, String configPath) {
  public static final String DEFAULT_LAUNCHER = "bin/vcsreplicator";

  public OperatorCommands {
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(configPath, "configPath");
  }

  public static OperatorCommands forConfig(String configPath) {
    return new OperatorCommands(DEFAULT_LAUNCHER, configPath);
  }

  /** {@code bin/vcsreplicator consume CONFIG --dump --partition P}. */
  public String dump(int partition) {
    return launcher + " consume " + configPath + " --dump --partition " + partition;
  }

  /** {@code bin/vcsreplicator consume CONFIG --skip --partition P}. */
  public String skip(int partition) {
    return launcher + " consume " + configPath + " --skip --partition " + partition;
  }

  /**
   * {@code bin/vcsreplicator consume CONFIG --skip --partition P --offset N}: skips exactly that
   * event or refuses (another operator or a restarted consumer may have moved on meanwhile).
   */
  public String skip(int partition, long offset) {
    return skip(partition) + " --offset " + offset;
  }
}
