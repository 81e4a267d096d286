package org.vcsreplicator.consumer;

import java.util.Objects;

/**
 * What applying one event to the mirror came to. Only {@link Applied} lets the offset move
 * (SPEC rule 2); a failure says in one line why, in words an operator can act on (hg's own abort
 * message where hg failed).
 *
 * <p>Immutable values.
 */
public sealed interface Outcome {

  /** The event's effects are on disk (or it needed none: heartbeat, no-op). */
  record Applied() implements Outcome {}

  /**
   * The event is not for this mirror: a rule filtered its repository out. Acknowledged without
   * action, like {@link Applied}; counted apart in the metrics.
   *
   * @param rule the name of the rule that filtered it ({@code noinclude}, …), never null
   */
  record Filtered(String rule) implements Outcome {
    public Filtered {
      Objects.requireNonNull(rule, "rule");
    }
  }

  /**
   * A failure that may go away by itself (hg lock held, master unreachable, I/O hiccup); worth
   * retrying the same event after a pause.
   *
   * @param reason one line, never null
   */
  record TransientFailure(String reason) implements Outcome {
    public TransientFailure {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A failure retrying cannot fix (missing repository, unsupported requirement, path escaping the
   * root, hg refusing the data): the partition stops here until an operator acts.
   *
   * @param reason one line, never null
   */
  record PermanentFailure(String reason) implements Outcome {
    public PermanentFailure {
      Objects.requireNonNull(reason, "reason");
    }
  }

  Outcome APPLIED = new Applied();

  static Outcome applied() {
    return APPLIED;
  }

  static Outcome filtered(String rule) {
    return new Filtered(rule);
  }

  static Outcome transientFailure(String reason) {
    return new TransientFailure(reason);
  }

  static Outcome permanentFailure(String reason) {
    return new PermanentFailure(reason);
  }

  /**
   * True for {@link Applied} and {@link Filtered}: the event needs nothing more from this mirror,
   * so its offset may move.
   */
  default boolean isApplied() {
    return this instanceof Applied || this instanceof Filtered;
  }
}
