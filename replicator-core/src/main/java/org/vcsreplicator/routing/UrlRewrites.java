package org.vcsreplicator.routing;

import java.util.List;
import java.util.Optional;
import org.vcsreplicator.message.WirePath;

/**
 * A mirror's {@code [pull_url_rewrites]} or the notifier's {@code [public_url_rewrites]}: wire path
 * prefix to URL prefix. The rest of the wire path is appended as it is, so {@code {moz} =
 * ssh://hgssh} makes {@code {moz}/mozilla-central} pull from {@code ssh://hgssh/mozilla-central},
 * and {@code {moz}/ = https://hg.mozilla.org/} makes its public URL {@code
 * https://hg.mozilla.org/mozilla-central}.
 *
 * <p>Entries are tried in file order; the first whose prefix matches (case-sensitive) wins.
 *
 * <p>Immutable and thread-safe.
 */
public final class UrlRewrites {
  private final List<PrefixRewrite> entries;

  /**
   * @param entries in file order, never null
   */
  public UrlRewrites(List<PrefixRewrite> entries) {
    this.entries = List.copyOf(entries);
  }

  public static UrlRewrites none() {
    return new UrlRewrites(List.of());
  }

  /**
   * The URL for a wire path.
   *
   * @param wirePath never null
   * @return the URL, or empty when no entry matches (the original then has no URL either: the
   *     notifier skips such a repository, a mirror cannot pull it)
   */
  public Optional<String> urlFor(String wirePath) {
    for (PrefixRewrite entry : entries) {
      if (entry.matches(wirePath)) {
        return Optional.of(entry.apply(wirePath));
      }
    }
    return Optional.empty();
  }

  /**
   * The URL for a wire path.
   *
   * @param wirePath never null
   * @return the URL, or empty when no entry matches
   */
  public Optional<String> urlFor(WirePath wirePath) {
    return urlFor(wirePath.value());
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
    return o instanceof UrlRewrites other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "UrlRewrites" + entries;
  }
}
