package org.vcsreplicator.message;

import java.util.Objects;

/**
 * {@code hg-pushkey-1}: a pushkey change (bookmark, phase, obsolescence markers) that a mirror
 * reproduces with {@code hg debugpushkey PATH NAMESPACE KEY OLD NEW}. {@code ret} is the result
 * the master got; a mirror getting the same result has succeeded.
 */
public record Pushkey(WirePath path, String namespace, String key, String oldValue, String newValue, int ret)
    implements Event, RepoEvent {

  public static final String BOOKMARKS = "bookmarks";
  public static final String PHASES = "phases";
  public static final String OBSOLETE = "obsolete";

  public Pushkey {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(oldValue, "old");
    Objects.requireNonNull(newValue, "new");
  }

  @Override
  public EventKind kind() {
    return EventKind.PUSHKEY;
  }
}
