package org.vcsreplicator.routing;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A mirror's {@code [path_rewrites]}: wire path prefix to local directory, e.g. {@code {moz} =
 * /repo/hg/mozilla} makes {@code {moz}/mozilla-central} live at {@code
 * /repo/hg/mozilla/mozilla-central}. Each entry's directory is a <em>root</em>: a repository
 * reached through the entry must stay strictly inside it (SPEC rule 6, enforced by {@link
 * SafePathResolver}).
 *
 * <p>Entries are tried in file order; the first whose prefix matches (case-sensitive) wins; the
 * local path is the directory string followed by the rest of the wire path. (The original replaces
 * <em>every</em> occurrence of the prefix in the path; only the leading one is replaced here.)
 *
 * <p>Invariant: every root is an absolute path. Immutable and thread-safe.
 */
public final class PathRewrites {
  private final List<PrefixRewrite> entries;
  private final List<Path> roots; // roots.get(i) is entries.get(i).replacement(), normalized

  /**
   * @param entries in file order, never null; every replacement an absolute directory
   * @throws IllegalArgumentException when a replacement is not an absolute path
   */
  public PathRewrites(List<PrefixRewrite> entries) {
    this.entries = List.copyOf(entries);
    List<Path> r = new ArrayList<>();
    for (PrefixRewrite e : this.entries) {
      r.add(rootOf(e.replacement()));
    }
    this.roots = List.copyOf(r);
  }

  public static PathRewrites none() {
    return new PathRewrites(List.of());
  }

  /**
   * Checks that {@code directory} can be a root: an absolute, valid path.
   *
   * @return the normalized root
   * @throws IllegalArgumentException with a one-line reason otherwise
   */
  public static Path rootOf(String directory) {
    Path root;
    try {
      root = Path.of(directory);
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + directory + "' is not a valid path", e);
    }
    if (!root.isAbsolute()) {
      throw new IllegalArgumentException(
          "'" + directory + "' is not an absolute path; a mirror root must be absolute");
    }
    return root.normalize();
  }

  /**
   * The entry that applies to a wire path, with its root.
   *
   * @param wirePath never null
   * @return the first matching entry, or empty
   */
  public Optional<Match> match(String wirePath) {
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).matches(wirePath)) {
        PrefixRewrite e = entries.get(i);
        return Optional.of(new Match(e, roots.get(i), e.apply(wirePath)));
      }
    }
    return Optional.empty();
  }

  /**
   * The local path string for a wire path, <em>unchecked</em>: use {@link SafePathResolver} before
   * touching the filesystem.
   *
   * @param wirePath never null
   * @return the rewritten path, or empty when no entry matches
   */
  public Optional<String> localPathFor(String wirePath) {
    return match(wirePath).map(Match::localPath);
  }

  /** The entries in file order, never null. */
  public List<PrefixRewrite> entries() {
    return entries;
  }

  /** The normalized roots, one per entry in file order, never null. */
  public List<Path> roots() {
    return roots;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathRewrites other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "PathRewrites" + entries;
  }

  /**
   * The result of {@link #match(String)}.
   *
   * @param rewrite the matching entry
   * @param root its directory, normalized
   * @param localPath the rewritten path string, not yet checked to be inside {@code root}
   */
  public record Match(PrefixRewrite rewrite, Path root, String localPath) {}
}
