package org.vcsreplicator.routing;

import java.util.Objects;

/**
 * One entry of a rewrite section: a path starting with {@code prefix} becomes {@code replacement}
 * followed by the rest of the path (the original's {@code dest + path[len(source):]}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param prefix the prefix to match, never null (may be empty, which matches everything)
 * @param replacement what the prefix is replaced with, never null
 */
public record PrefixRewrite(String prefix, String replacement) {
  public PrefixRewrite {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(replacement, "replacement");
  }

  /**
   * Whether {@code path} starts with the prefix, exactly (case-sensitive).
   *
   * @param path never null
   */
  public boolean matches(String path) {
    return path.startsWith(prefix);
  }

  /**
   * The rewritten path, assuming {@link #matches(String)} (or a case-insensitive match of the same
   * length) holds.
   *
   * @param path never null
   * @return never null
   */
  public String apply(String path) {
    return replacement + path.substring(prefix.length());
  }

  @Override
  public String toString() {
    return prefix + " = " + replacement;
  }
}
