package org.vcsreplicator.consumer;

import java.util.List;
import java.util.OptionalLong;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.RepoSyncV1;
import org.vcsreplicator.message.RepoSyncV2;

/**
 * The short description of an event in the consumer's {@code processing … from partition P offset
 * O} line (ORIGINAL-BEHAVIOURS X6), character for character as the Python original prints it:
 * {@code hg-changegroup-2: (repo: {moz}/x, heads: ['77538e1ce4be'])}. Heads are shortened to 12
 * characters and lists longer than 25 heads end in {@code and N more}; booleans and null print
 * the Python way ({@code True}, {@code None}) because operators' runbooks grep for them.
 *
 * <p>Stateless and thread-safe.
 */
public final class EventDisplay {

  /** The original prints at most this many heads of one event. */
  static final int MAX_HEADS = 25;

  private EventDisplay() {}

  /** The display string of an event; never null. */
  public static String of(Event event) {
    String name = event.kind().wireName();
    String repo = event.repo().map(p -> "repo: " + p.value()).orElse("");
    String fields;
    if (event instanceof ChangegroupV1 e) {
      fields = repo + ", heads: " + heads(e.heads());
    } else if (event instanceof ChangegroupV2 e) {
      fields = repo + ", heads: " + heads(e.heads());
    } else if (event instanceof Pushkey e) {
      fields = repo + ", namespace/key: " + e.namespace() + "/" + e.key();
    } else if (event instanceof RepoSyncV1 e) {
      fields = repo + ", heads: " + heads(e.heads());
    } else if (event instanceof RepoSyncV2 e) {
      fields = repo + ", heads: " + heads(e.heads()) + ", bootstrap: " + (e.bootstrap() ? "True" : "False");
    } else if (event instanceof Heads e) {
      fields = repo + ", heads: " + heads(e.heads()) + ", last_push_id: " + pythonInt(e.lastPushId());
    } else if (event.repo().isPresent()) {
      fields = repo;
    } else {
      return name; // heartbeat-1 has no fields at all
    }
    return name + ": (" + fields + ")";
  }

  /** Python's {@code repr} of the list of 12-character heads, truncated after 25. */
  static String heads(List<NodeId> heads) {
    List<NodeId> shown = heads.size() > MAX_HEADS ? heads.subList(0, MAX_HEADS) : heads;
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shown.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append('\'').append(shown.get(i).shortHex()).append('\'');
    }
    sb.append(']');
    if (heads.size() > MAX_HEADS) {
      sb.append(" and ").append(heads.size() - MAX_HEADS).append(" more");
    }
    return sb.toString();
  }

  private static String pythonInt(OptionalLong value) {
    return value.isPresent() ? Long.toString(value.getAsLong()) : "None";
  }
}
