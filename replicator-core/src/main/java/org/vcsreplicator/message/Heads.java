package org.vcsreplicator.message;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * {@code hg-heads-1}: the master's served heads after a transaction (newest revision first) and
 * the id of the last pushlog entry (empty when the repo has no pushlog).
 */
public record Heads(WirePath path, List<NodeId> heads, OptionalLong lastPushId) implements Event, RepoEvent {
  public Heads {
    Objects.requireNonNull(path, "path");
    heads = List.copyOf(heads);
    Objects.requireNonNull(lastPushId, "lastPushId (use OptionalLong.empty() for none)");
  }

  @Override
  public EventKind kind() {
    return EventKind.HEADS;
  }
}
