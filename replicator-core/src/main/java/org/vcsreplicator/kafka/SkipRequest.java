package org.vcsreplicator.kafka;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an operator's {@code --skip} says beyond "the next event": the offset they mean to skip
 * ({@code --offset N}) and why ({@code --reason TEXT}).
 *
 * @param expectedOffset the offset the operator names; the skip is refused when the next pending
 *     event is elsewhere (a race with a consumer or another operator). Empty: skip whatever is
 *     next, as the original did.
 * @param reason recorded with the skip; empty when not given (the original's runbooks give none)
 */
public record SkipRequest(OptionalLong expectedOffset, Optional<String> reason) {
  public SkipRequest {
    Objects.requireNonNull(expectedOffset, "expectedOffset");
    Objects.requireNonNull(reason, "reason");
    if (expectedOffset.isPresent() && expectedOffset.getAsLong() < 0) {
      throw new IllegalArgumentException("--offset must be >= 0, got " + expectedOffset.getAsLong());
    }
  }

  /** The original's {@code --skip}: the next event, no reason. */
  public static SkipRequest next() {
    return new SkipRequest(OptionalLong.empty(), Optional.empty());
  }

  /**
   * Refuses when {@code offset}, the next pending event of {@code partition}, is not the one named.
   *
   * @throws SkipRefusedException with one line saying where the next event is
   */
  public void check(int partition, long offset) throws SkipRefusedException {
    if (expectedOffset.isEmpty() || expectedOffset.getAsLong() == offset) {
      return;
    }
    long named = expectedOffset.getAsLong();
    throw new SkipRefusedException("refusing to skip: the next event of partition " + partition + " is at offset "
        + offset + ", not " + named + (named < offset ? " (offset " + named + " is already acknowledged)" : "")
        + "; nothing skipped, nothing recorded");
  }
}
