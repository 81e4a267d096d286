package org.vcsreplicator.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code hg-repo-sync-1}: make the mirror's repository match: create it when missing (with these
 * requirements), write the hgrc (empty = remove), pull the heads.
 */
public record RepoSyncV1(WirePath path, List<String> requirements, Optional<String> hgrc, List<NodeId> heads)
    implements Event, RepoEvent {
  public RepoSyncV1 {
    Objects.requireNonNull(path, "path");
    requirements = List.copyOf(requirements);
    Objects.requireNonNull(hgrc, "hgrc (use Optional.empty() for none)");
    heads = List.copyOf(heads);
  }

  @Override
  public EventKind kind() {
    return EventKind.REPO_SYNC_V1;
  }
}
