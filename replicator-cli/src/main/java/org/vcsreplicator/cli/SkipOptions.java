package org.vcsreplicator.cli;

import java.util.Optional;
import java.util.OptionalLong;
import org.vcsreplicator.kafka.SkipRequest;
import picocli.CommandLine;

/**
 * The options that qualify {@code --skip} ({@code --offset N}, {@code --reason TEXT}), shared by
 * every daemon command that can skip (consume, heads-consume, pulse-notify).
 */
final class SkipOptions {

  @CommandLine.Option(names = "--offset", paramLabel = "N",
      description = "With --skip: skip only if the next pending event is at offset N; otherwise refuse "
          + "(exit 1, nothing recorded or acknowledged).")
  Long offset;

  @CommandLine.Option(names = "--reason", paramLabel = "TEXT",
      description = "With --skip: why, recorded with the skip (optional).")
  String reason;

  boolean hasOffset() {
    return offset != null;
  }

  /** Why these options cannot be used as given, or empty when all is well. */
  Optional<String> misuse(boolean skip) {
    if (!skip && (offset != null || reason != null)) {
      return Optional.of("--offset and --reason go with --skip");
    }
    if (offset != null && offset < 0) {
      return Optional.of("--offset must be >= 0, got " + offset);
    }
    return Optional.empty();
  }

  SkipRequest request() {
    return new SkipRequest(offset == null ? OptionalLong.empty() : OptionalLong.of(offset), Optional.ofNullable(reason));
  }
}
