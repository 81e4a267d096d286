package org.vcsreplicator.message;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code hg-repo-sync-2}: as {@link RepoSyncV1}; with {@code bootstrap} true it is meant for the
 * bootstrap tool only and the regular consumers acknowledge it without action.
 */
public record RepoSyncV2(
    WirePath path, List<String> requirements, Optional<String> hgrc, List<NodeId> heads, boolean bootstrap)
    implements Event, RepoEvent {
  public RepoSyncV2 {
    Objects.requireNonNull(path, "path");
    requirements = List.copyOf(requirements);
    Objects.requireNonNull(hgrc, "hgrc (use Optional.empty() for none)");
    heads = List.copyOf(heads);
  }

  @Override
  public EventKind kind() {
    return EventKind.REPO_SYNC_V2;
  }
}
