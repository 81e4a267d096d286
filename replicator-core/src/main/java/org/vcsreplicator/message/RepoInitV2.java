package org.vcsreplicator.message;

import java.util.Objects;

/** {@code hg-repo-init-2}: a repository was created on the master, with its storage format. */
public record RepoInitV2(WirePath path, boolean generaldelta) implements Event, RepoEvent {
  public RepoInitV2 {
    Objects.requireNonNull(path, "path");
  }

  @Override
  public EventKind kind() {
    return EventKind.REPO_INIT_V2;
  }
}
