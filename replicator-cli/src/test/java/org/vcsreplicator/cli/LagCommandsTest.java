package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the lag commands answer before they reach Kafka: usage and configuration errors, help.
 *
 * @see LagCommandsIT the commands against a real broker
 */
class LagCommandsTest {

  @TempDir Path dir;

  private Path config(String text) throws IOException {
    Path file = dir.resolve("vcsreplicator.ini");
    Files.writeString(file, text);
    return file;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      check-lag                                        | UNKNOWN - Missing required parameter: 'CONFIG'
      check-lag x.ini --warning-count 3                | UNKNOWN - Unknown options: '--warning-count', '3'
      check-lag x.ini --warning-lag-count lots         | UNKNOWN - Invalid value for option '--warning-lag-count': 'lots' is not a double
      check-lag x.ini --critical-lag-time 10s          | UNKNOWN - Invalid value for option '--critical-lag-time': '10s' is not a double
      """)
  void usageErrorsAreUnknownNotCritical(String args, String firstLine) {
    CommandRun run = CommandRun.run(args.split(" "));
    assertEquals(3, run.exitCode(), run::toString);
    assertEquals(List.of(firstLine), run.lines(), run::toString);
    assertEquals(List.of("Try 'vcsreplicator check-lag --help' for usage."), run.errLines(), run::toString);
  }

  @Test
  void nanThresholdIsRefused() throws IOException {
    Path file = config("[consumer]\nhosts = localhost:1\nclient_id = c\ntopic = t\ngroup = g\n");
    CommandRun run = CommandRun.run("check-lag", file.toString(), "--warning-lag-time", "NaN");
    assertEquals(List.of("UNKNOWN - warning lag time threshold is not a number"), run.lines(), run::toString);
    assertEquals(3, run.exitCode());
  }

  @Test
  void missingConfigFileIsUnknown() {
    Path missing = dir.resolve("nope.ini");
    CommandRun run = CommandRun.run("check-lag", missing.toString());
    assertEquals(3, run.exitCode(), run::toString);
    assertEquals(1, run.lines().size(), run::toString);
    assertTrue(run.lines().get(0).startsWith("UNKNOWN - " + missing), run::toString);
  }

  @Test
  void configErrorNamesSectionAndKey() throws IOException {
    Path file = config("[consumer]\nhosts = localhost:1\nclient_id = c\ntopic = t\n");
    CommandRun run = CommandRun.run("check-lag", file.toString());
    assertEquals(List.of("UNKNOWN - " + file + ": [consumer] group: missing required key"), run.lines(), run::toString);
    assertEquals(3, run.exitCode());

    CommandRun section = CommandRun.run("check-lag", file.toString(), "--consumer-section", "pulseconsumer");
    assertTrue(section.lines().get(0).startsWith("UNKNOWN - " + file + ": [pulseconsumer]"), section::toString);
    assertEquals(3, section.exitCode());
  }

  @Test
  void badTimeoutIsUnknown() throws IOException {
    Path file = config("[consumer]\nhosts = localhost:1\nclient_id = c\ntopic = t\ngroup = g\n");
    CommandRun run = CommandRun.run("check-lag", file.toString(), "--timeout", "0");
    assertEquals(List.of("UNKNOWN - --timeout must be between 0.002 and 3600 seconds, got 0.0"), run.lines(), run::toString);
    assertEquals(3, run.exitCode());
  }

  @Test
  void helpExitsZeroAndListsOptionsAndExitCodes() {
    CommandRun run = CommandRun.run("check-lag", "--help");
    assertEquals(0, run.exitCode(), run::toString);
    for (String text : List.of("--consumer-section", "--warning-lag-count", "--warning-lag-time",
        "--critical-lag-count", "--critical-lag-time", "--telegraf", "UNKNOWN: bad usage", "default: 150", "default: 600")) {
      assertTrue(run.out().contains(text), text + " in\n" + run.out());
    }
    CommandRun print = CommandRun.run("print-offsets", "--help");
    assertEquals(0, print.exitCode(), print::toString);
    assertTrue(print.out().contains("--json"), print.out());
  }

  @Test
  void topLevelHelpListsTheLagCommands() {
    CommandRun run = CommandRun.run("--help");
    assertTrue(run.out().contains("print-offsets"), run.out());
    assertTrue(run.out().contains("check-lag"), run.out());
  }

  @Test
  void printOffsetsUsageErrorExitsThreeWithTheMessageOnStderr() {
    CommandRun run = CommandRun.run("print-offsets");
    assertEquals(3, run.exitCode(), run::toString);
    assertEquals("", run.out(), run::toString);
    assertTrue(run.err().startsWith("Missing required parameter: 'CONFIG'"), run::toString);
  }

  @Test
  void printOffsetsConfigErrorIsOneLineOnStderr() throws IOException {
    Path file = config("[consumer]\nclient_id = c\ntopic = t\ngroup = g\n");
    CommandRun run = CommandRun.run("print-offsets", file.toString());
    assertEquals(3, run.exitCode(), run::toString);
    assertEquals(List.of("print-offsets: " + file + ": [consumer] hosts: missing required key"), run.errLines(), run::toString);
    assertEquals("", run.out());
  }

  @Test
  void printOffsetsRefusesAnEmptyGroupList() throws IOException {
    Path file = config("[consumer]\nhosts = localhost:1\nclient_id = c\ntopic = t\ngroup = g\n");
    CommandRun run = CommandRun.run("print-offsets", file.toString(), " , ");
    assertEquals(List.of("print-offsets: no consumer group named in ' , '"), run.errLines(), run::toString);
    assertEquals(3, run.exitCode());
  }
}
