package org.vcsreplicator.message;

import java.util.List;
import java.util.Objects;

/** {@code hg-changegroup-1}: changesets were added; lists every new node. */
public record ChangegroupV1(WirePath path, String source, List<NodeId> nodes, List<NodeId> heads)
    implements Event, RepoEvent {
  public ChangegroupV1 {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    nodes = List.copyOf(nodes);
    heads = List.copyOf(heads);
  }

  @Override
  public EventKind kind() {
    return EventKind.CHANGEGROUP_V1;
  }
}
