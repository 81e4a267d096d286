package org.vcsreplicator.obsolete;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.message.NodeId;

/**
 * One obsolescence marker: {@code precursor} was rewritten into {@code successors} (none: it was
 * pruned), as Mercurial's obsstore records it.
 *
 * <p>Immutable.
 *
 * @param precursor the changeset made obsolete, never null
 * @param successors what replaced it, in marker order; empty for a prune; never null
 * @param flags the marker's flag bits (1: bumped fix; 2: SHA-256 nodes, which this type refuses)
 * @param metadata key/value pairs in stored order (format 0 stores them sorted by key), without
 *     the {@code date} and {@code p0}/{@code p1}/{@code p2} entries format 0 uses internally;
 *     never null
 * @param date seconds since the epoch, with the fraction Mercurial stored
 * @param timezoneOffset seconds west of UTC, Mercurial's convention ({@code -3600} is UTC+1)
 * @param parents the precursor's parents when the marker records them (a prune usually does),
 *     empty when it does not; never null
 */
public record ObsMarker(
    NodeId precursor,
    List<NodeId> successors,
    int flags,
    List<Map.Entry<String, String>> metadata,
    double date,
    int timezoneOffset,
    Optional<List<NodeId>> parents) {

  /** Metadata key naming who made the marker. */
  public static final String USER = "user";

  public ObsMarker {
    Objects.requireNonNull(precursor, "precursor");
    successors = List.copyOf(successors);
    metadata = metadata.stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    Objects.requireNonNull(parents, "parents");
    parents = parents.map(List::copyOf);
  }

  /** Whether the precursor was pruned (no successor). */
  public boolean isPrune() {
    return successors.isEmpty();
  }

  /**
   * The value of the last metadata entry with this key (the original notifier takes the last
   * {@code user} entry).
   *
   * @return never null
   */
  public Optional<String> metadataValue(String key) {
    String found = null;
    for (Map.Entry<String, String> e : metadata) {
      if (e.getKey().equals(key)) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }

  /** Who made the marker ({@code user} metadata), if recorded. */
  public Optional<String> user() {
    return metadataValue(USER);
  }
}
