package org.vcsreplicator.message;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code hg-hgrc-update-1}: the repository's {@code .hg/hgrc} is now {@code content}; empty content
 * (null on the wire) means the file was removed.
 */
public record HgrcUpdate(WirePath path, Optional<String> content) implements Event, RepoEvent {
  public HgrcUpdate {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content (use Optional.empty() for a deleted hgrc)");
  }

  @Override
  public EventKind kind() {
    return EventKind.HGRC_UPDATE;
  }
}
