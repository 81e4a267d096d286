package org.vcsreplicator.message;

import java.util.Objects;

/** {@code hg-repo-delete-1}: the repository was deleted on the master. */
public record RepoDelete(WirePath path) implements Event, RepoEvent {
  public RepoDelete {
    Objects.requireNonNull(path, "path");
  }

  @Override
  public EventKind kind() {
    return EventKind.REPO_DELETE;
  }
}
