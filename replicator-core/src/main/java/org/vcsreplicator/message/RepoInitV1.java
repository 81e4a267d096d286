package org.vcsreplicator.message;

import java.util.Objects;

/** {@code hg-repo-init-1}: a repository was created on the master. */
public record RepoInitV1(WirePath path) implements Event, RepoEvent {
  public RepoInitV1 {
    Objects.requireNonNull(path, "path");
  }

  @Override
  public EventKind kind() {
    return EventKind.REPO_INIT_V1;
  }
}
