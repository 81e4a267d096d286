package org.vcsreplicator.producer;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vcsreplicator.message.NodeId;

/**
 * What one committed transaction changed in a master repository, as hg reported it from inside
 * the transaction.
 *
 * @param source hg's source of the transaction ({@code serve} for a push over ssh); never null
 * @param newChangesets the changesets the transaction added; empty when it added none
 * @param bookmarks bookmark moves, in name order
 * @param phases phase moves of changesets that existed before the transaction, reduced to the
 *     heads of each moved set (moving a head moves its ancestors)
 * @param obsolete the pushkey encoding of the obsolescence markers the transaction added
 *     ({@code dump0} … → base85), empty when none
 * @param servedHeads the served heads before and after the transaction
 */
public record TransactionChanges(
    String source,
    Optional<NewChangesets> newChangesets,
    List<BookmarkMove> bookmarks,
    List<PhaseMove> phases,
    SortedMap<String, String> obsolete,
    ServedHeads servedHeads) {

  public TransactionChanges {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(newChangesets, "newChangesets");
    bookmarks = List.copyOf(bookmarks);
    phases = List.copyOf(phases);
    obsolete = Collections.unmodifiableSortedMap(new TreeMap<>(obsolete));
    Objects.requireNonNull(servedHeads, "servedHeads");
  }

  /** {@code nodecount} changesets were added; {@code heads} are those with no child, in revision order. */
  public record NewChangesets(int nodecount, List<NodeId> heads) {
    public NewChangesets {
      if (nodecount <= 0) {
        throw new IllegalArgumentException("nodecount must be positive, got " + nodecount);
      }
      heads = List.copyOf(heads);
      if (heads.isEmpty()) {
        throw new IllegalArgumentException("new changesets without a head");
      }
    }
  }

  /** A bookmark moved; an empty old value means created, an empty new value deleted. */
  public record BookmarkMove(String name, Optional<NodeId> oldNode, Optional<NodeId> newNode) {
    public BookmarkMove {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(oldNode, "oldNode");
      Objects.requireNonNull(newNode, "newNode");
    }
  }

  /** A changeset (and its ancestors) moved from phase {@code oldPhase} to {@code newPhase} (0 public, 1 draft, 2 secret). */
  public record PhaseMove(NodeId node, int oldPhase, int newPhase) {
    public PhaseMove {
      Objects.requireNonNull(node, "node");
    }
  }

  /**
   * Served heads (what a client of the master sees) around the transaction, newest revision
   * first. {@code before} is empty when hg could not tell (the transaction opened without the
   * hook); then the heads are treated as changed.
   */
  public record ServedHeads(Optional<List<NodeId>> before, List<NodeId> after, OptionalLong lastPushId) {
    public ServedHeads {
      before = before.map(List::copyOf);
      after = List.copyOf(after);
      Objects.requireNonNull(lastPushId, "lastPushId");
    }

    public boolean changed() {
      return before.map(b -> !b.equals(after)).orElse(true);
    }
  }
}
