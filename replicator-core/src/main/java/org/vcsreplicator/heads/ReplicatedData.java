package org.vcsreplicator.heads;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.NodeId;

/**
 * What {@code .hg/replicated-data} holds on a mirror: the heads every mirror has applied, and the
 * id of the last push they include.
 *
 * <p>Heads keep the order of the {@code hg-heads-1} event (the master's served heads, newest
 * revision first); the file stores them in that order, as the original did. Every head is a
 * {@link NodeId}, so the original's "heads must be 40 hex characters" check (a permanent error
 * there) already happened when the event was decoded: a malformed head never reaches this type.
 *
 * <p>{@code lastPushId} is empty when the master repository has no pushlog ({@code last_push_id:
 * null} on the wire); the file then stores CBOR null, which is what the original wrote.
 *
 * <p>Immutable; components are never null.
 *
 * @param heads the replicated heads, possibly empty, never null
 * @param lastPushId the last push id, empty for none; never null
 */
public record ReplicatedData(List<NodeId> heads, OptionalLong lastPushId) {

    public ReplicatedData {
        heads = List.copyOf(heads);
        Objects.requireNonNull(lastPushId, "lastPushId (use OptionalLong.empty() for none)");
    }

    /** Heads and a push id. */
    public static ReplicatedData of(List<NodeId> heads, long lastPushId) {
        return new ReplicatedData(heads, OptionalLong.of(lastPushId));
    }

    /** The content an {@code hg-heads-1} event asks the heads consumer to write. */
    public static ReplicatedData of(Heads event) {
        return new ReplicatedData(event.heads(), event.lastPushId());
    }
}
