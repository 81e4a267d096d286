package org.vcsreplicator.message;

import java.util.List;
import java.util.Objects;

/**
 * {@code hg-changegroup-2}: {@code nodecount} changesets were added; {@code heads} are the new
 * changesets that are heads, in revision order. A mirror pulls exactly these heads.
 */
public record ChangegroupV2(WirePath path, String source, int nodecount, List<NodeId> heads)
    implements Event, RepoEvent {
  public ChangegroupV2 {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(source, "source");
    if (nodecount < 0) {
      throw new IllegalArgumentException("nodecount is negative: " + nodecount);
    }
    heads = List.copyOf(heads);
  }

  @Override
  public EventKind kind() {
    return EventKind.CHANGEGROUP_V2;
  }
}
