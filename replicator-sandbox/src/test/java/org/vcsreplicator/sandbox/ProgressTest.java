package org.vcsreplicator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class ProgressTest {

  /** A clock that moves only when told. */
  private static final class StepClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void linesCarryTheSecondsSinceStartAndAnAlignedPart() {
    StringWriter out = new StringWriter();
    StepClock clock = new StepClock();
    Progress progress = new Progress(new PrintWriter(out), clock);

    progress.say("kafka", "broker up");
    clock.now = clock.now.plus(Duration.ofMillis(12_345));
    progress.say("aggregator1", "copies");
    progress.detail("more");

    assertEquals(String.join("\n",
        "[   0.0s] kafka       broker up",
        "[  12.3s] aggregator1 copies",
        "                      more",
        ""), out.toString().replace(System.lineSeparator(), "\n"));
  }
}
