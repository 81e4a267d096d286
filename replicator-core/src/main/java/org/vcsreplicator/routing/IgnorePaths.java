package org.vcsreplicator.routing;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.message.WirePath;

/**
 * The notifier's {@code [ignore_paths]}: wire path prefixes (the option names; values are ignored,
 * e.g. {@code {moz}/private/ = true}) whose repositories never get a public notification.
 *
 * <p>Immutable and thread-safe.
 */
public final class IgnorePaths {
  private final List<String> prefixes;

  /**
   * @param prefixes in file order, never null
   */
  public IgnorePaths(List<String> prefixes) {
    this.prefixes = List.copyOf(prefixes);
  }

  public static IgnorePaths none() {
    return new IgnorePaths(List.of());
  }

  /**
   * The first prefix (case-sensitive) that {@code wirePath} starts with.
   *
   * @param wirePath never null
   * @return the matching prefix, or empty
   */
  public Optional<String> matchingPrefix(String wirePath) {
    Objects.requireNonNull(wirePath, "wirePath");
    return prefixes.stream().filter(wirePath::startsWith).findFirst();
  }

  /** Whether notifications for {@code wirePath} are suppressed. */
  public boolean isIgnored(String wirePath) {
    return matchingPrefix(wirePath).isPresent();
  }

  /** Whether notifications for {@code wirePath} are suppressed. */
  public boolean isIgnored(WirePath wirePath) {
    return isIgnored(wirePath.value());
  }

  /** The prefixes in file order, never null. */
  public List<String> prefixes() {
    return prefixes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IgnorePaths other && prefixes.equals(other.prefixes);
  }

  @Override
  public int hashCode() {
    return prefixes.hashCode();
  }

  @Override
  public String toString() {
    return "IgnorePaths" + prefixes;
  }
}
