package org.vcsreplicator.consumer;

import java.util.Objects;
import org.vcsreplicator.hg.HgFailure;
import org.vcsreplicator.hg.HgResult;

/**
 * Why one step of applying an event failed, already sorted into transient or permanent. Only
 * {@link EventApplier} throws and catches it; callers see an {@link Outcome}.
 */
class ApplyException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean transientFailure;

  ApplyException(String message, boolean transientFailure) {
    super(message);
    this.transientFailure = transientFailure;
  }

  static ApplyException permanent(String message) {
    return new ApplyException(message, false);
  }

  static ApplyException transientFailure(String message) {
    return new ApplyException(message, true);
  }

  boolean isTransient() {
    return transientFailure;
  }

  Outcome toOutcome() {
    return transientFailure ? Outcome.transientFailure(getMessage()) : Outcome.permanentFailure(getMessage());
  }

  /** An hg command that exited with a failure, with its classification. */
  static final class HgCommandFailed extends ApplyException {
    private static final long serialVersionUID = 1L;

    private final transient HgResult result;
    private final transient HgFailure failure;

    HgCommandFailed(String message, boolean transientFailure, HgResult result, HgFailure failure) {
      super(message, transientFailure);
      this.result = Objects.requireNonNull(result, "result");
      this.failure = Objects.requireNonNull(failure, "failure");
    }

    HgResult result() {
      return result;
    }

    HgFailure failure() {
      return failure;
    }
  }
}
