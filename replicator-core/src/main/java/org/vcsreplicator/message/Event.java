package org.vcsreplicator.message;

import java.util.Optional;

/**
 * One replication event: the typed payload of a record on the replication log (SPEC §3).
 *
 * <p>Implementations are immutable records, one per wire version ({@code hg-changegroup-1} and
 * {@code -2} are two types). They validate their fields on construction, so an {@code Event}
 * instance is always well-formed. Record metadata ({@code _created}, fields added by the
 * aggregator, fields this version does not know) lives in {@link Message}, not here.
 */
public sealed interface Event
    permits Heartbeat, RepoInitV1, RepoInitV2, HgrcUpdate, ChangegroupV1, ChangegroupV2, Pushkey,
        RepoSyncV1, RepoSyncV2, Heads, RepoDelete {

  /** The kind of this event; never null. */
  EventKind kind();

  /** The repository this event is about; empty only for a heartbeat. */
  default Optional<WirePath> repo() {
    return this instanceof RepoEvent r ? Optional.of(r.path()) : Optional.empty();
  }
}
