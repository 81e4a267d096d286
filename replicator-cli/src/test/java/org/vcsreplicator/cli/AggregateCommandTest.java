package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vcsreplicator.config.ConfigException;
import org.vcsreplicator.config.RetrySettings;

/** @see AggregateCommandIT */
class AggregateCommandTest {

  @Test
  void retriesDefaultToTheOriginals() {
    assertEquals(RetrySettings.defaults(), AggregateCommand.retrySettings(Map.of()));
  }

  @Test
  void environmentOverridesRetries() {
    assertEquals(new RetrySettings(0, Duration.ofMillis(500)), AggregateCommand.retrySettings(Map.of(
        "VCSREPLICATOR_RETRY_MAX_RETRIES", "0", "VCSREPLICATOR_RETRY_BASE_DELAY", "0.5")));
  }

  @Test
  void badEnvironmentNamesTheVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> AggregateCommand.retrySettings(Map.of("VCSREPLICATOR_RETRY_MAX_RETRIES", "lots")));
    assertEquals("environment: VCSREPLICATOR_RETRY_MAX_RETRIES: not an integer: 'lots'", e.getMessage());
    assertThrows(ConfigException.class,
        () -> AggregateCommand.retrySettings(Map.of("VCSREPLICATOR_RETRY_BASE_DELAY", "-1")));
  }

  @Test
  void helpListsTheAggregatorCommands() {
    String help = CommandRun.run("--help").out();
    assertEquals(true, help.contains("aggregate") && help.contains("check-aggregator-lag"), help);
  }
}
