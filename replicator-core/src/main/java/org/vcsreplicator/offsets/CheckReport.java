package org.vcsreplicator.offsets;

import java.util.List;
import java.util.Objects;

/**
 * What a Nagios-style check prints and how it exits.
 *
 * @param status never null; its {@link CheckStatus#exitCode()} is the process exit code
 * @param lines the output, first line the summary Nagios shows; never null or empty
 */
public record CheckReport(CheckStatus status, List<String> lines) {

  public CheckReport {
    Objects.requireNonNull(status, "status");
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a check report needs at least its summary line");
    }
  }

  /** The report of a check that could not tell: one line {@code UNKNOWN - reason}; never null. */
  public static CheckReport unknown(String reason) {
    return new CheckReport(CheckStatus.UNKNOWN, List.of(CheckStatus.UNKNOWN + " - " + oneLine(reason)));
  }

  private static String oneLine(String s) {
    return String.valueOf(s).replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }

  /** The process exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. */
  public int exitCode() {
    return status.exitCode();
  }
}
