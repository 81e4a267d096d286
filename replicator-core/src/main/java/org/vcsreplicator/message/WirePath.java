package org.vcsreplicator.message;

import java.util.Objects;

/**
 * A repository path as written on the replication log: the master's local path after
 * {@code [replicationpathrewrites]}, e.g. {@code {moz}/mozilla-central}. Untrusted input on the
 * mirror side (SPEC rule 6): this type only guarantees it is non-empty and has no NUL.
 */
public record WirePath(String value) implements Comparable<WirePath> {
  public WirePath {
    Objects.requireNonNull(value, "wire path");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("wire path is empty");
    }
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("wire path contains a NUL character");
    }
  }

  public static WirePath of(String value) {
    return new WirePath(value);
  }

  @Override
  public int compareTo(WirePath other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
