package org.vcsreplicator.metrics;

/**
 * How the handling of one event ended, as counted by {@link ReplicationMetrics#eventHandled}: the
 * {@code outcome} label of {@code vcsreplicator_events_total}.
 */
public enum EventOutcome {
  /** Its effects are in place (a heartbeat, which needs none, counts here too); its offset may move. */
  APPLIED("applied"),
  /** Acknowledged without action because a rule says this daemon has nothing to do with it. */
  FILTERED("filtered"),
  /** It could not be handled (a permanent failure, or retries exhausted); its offset does not move. */
  FAILED("failed");

  private final String label;

  EventOutcome(String label) {
    this.label = label;
  }

  /** The label value, lower case; never null. */
  public String label() {
    return label;
  }
}
