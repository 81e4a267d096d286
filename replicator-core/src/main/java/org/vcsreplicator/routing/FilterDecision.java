package org.vcsreplicator.routing;

import java.util.Objects;

/**
 * What {@link ReplicationRules} decided for one repository: replicate it or not, and the name of
 * the rule that decided (logged as {@code repo {moz}/x filtered by rule NAME}).
 *
 * @param replicates whether the mirror applies events of this repository
 * @param rule the deciding rule's name, or {@link ReplicationRules#NO_FILTER} / {@link
 *     ReplicationRules#NO_INCLUDE}; never null
 */
public record FilterDecision(boolean replicates, String rule) {
  public FilterDecision {
    Objects.requireNonNull(rule, "rule");
  }

  /** Whether the repository is filtered out (its events are acknowledged without action). */
  public boolean isFiltered() {
    return !replicates;
  }
}
