package org.vcsreplicator.routing;

import java.util.List;
import java.util.Optional;
import org.vcsreplicator.message.WirePath;

/**
 * The master's {@code [replicationpathrewrites]}: turns a repository's local path into the portable
 * wire path written on the replication log, e.g. {@code /repo/hg/mozilla/ = {moz}/} makes {@code
 * /repo/hg/mozilla/mozilla-central} travel as {@code {moz}/mozilla-central} (SPEC §4).
 *
 * <p>Entries are tried in file order and the first whose prefix matches wins. The prefix match is
 * case-insensitive and the rest of the path keeps its case. (The original lower-cases only the
 * local path, so a prefix written with capitals never matched there; here it does.)
 *
 * <p>A repository under no entry is not replicated: {@link #wirePathFor(String)} answers empty and
 * the caller refuses with {@code repository path not configured for replication} / {@code (add
 * entry to [replicationpathrewrites])}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ProducerPathRewrites {
  private final List<PrefixRewrite> entries;

  /**
   * @param entries in file order, never null
   */
  public ProducerPathRewrites(List<PrefixRewrite> entries) {
    this.entries = List.copyOf(entries);
  }

  /** No rewrites: no repository is replicated. */
  public static ProducerPathRewrites none() {
    return new ProducerPathRewrites(List.of());
  }

  /**
   * The wire path for a repository's local path (its root, as {@code hg root} prints it).
   *
   * @param localPath never null
   * @return the wire path, or empty when no entry matches
   */
  public Optional<String> wirePathFor(String localPath) {
    for (PrefixRewrite entry : entries) {
      String prefix = entry.prefix();
      if (localPath.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return Optional.of(entry.apply(localPath));
      }
    }
    return Optional.empty();
  }

  /**
   * The typed wire path for a repository's local path.
   *
   * @param localPath never null
   * @return the wire path, or empty when no entry matches
   * @throws IllegalArgumentException when the rewrite yields an empty path (an entry mapping to
   *     {@code ""} applied to exactly its prefix)
   */
  public Optional<WirePath> wirePathOf(String localPath) {
    return wirePathFor(localPath).map(WirePath::new);
  }

  /** The entries in file order, never null. */
  public List<PrefixRewrite> entries() {
    return entries;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProducerPathRewrites other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "ProducerPathRewrites" + entries;
  }
}
