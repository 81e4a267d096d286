package org.vcsreplicator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionCommandTest {

  private static String run(int expectedExit, String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(expectedExit, cli.execute(args));
    return out.toString();
  }

  @Test
  void printsProjectKafkaAndHgVersions() {
    String text = run(0, "version");
    assertTrue(text.contains("vcsreplicator "), text);
    assertTrue(text.matches("(?s).*kafka-clients \\d+\\.\\d+\\.\\d+.*"), text);
    assertTrue(text.matches("(?s).*hg \\d+\\.\\d+.*"), "real hg must be found: " + text);
  }

  @Test
  void reportsMissingHgInsteadOfFailing() {
    String text = run(0, "version", "--hg", "/nonexistent/hg");
    assertTrue(text.contains("hg not found (/nonexistent/hg"), text);
  }

  @Test
  void helpListsSubcommandsAndExitsZero() {
    String text = run(0, "--help");
    assertTrue(text.contains("version"), text);
  }
}
