package org.vcsreplicator.message;

/** An event about one repository: every kind except the heartbeat. */
public interface RepoEvent {
  /** The repository's portable wire path, e.g. {@code {moz}/mozilla-central}; never null. */
  WirePath path();
}
