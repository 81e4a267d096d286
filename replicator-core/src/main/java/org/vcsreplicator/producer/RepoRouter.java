package org.vcsreplicator.producer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import org.vcsreplicator.message.WirePath;

/**
 * Maps a master repository to its wire path and partition (SPEC §4): {@code
 * [replicationpathrewrites]} plus the partition map. Pure and thread-safe.
 */
public interface RepoRouter {

  /** The route of the repository at this absolute local path; empty when no rewrite matches. */
  Optional<Route> route(Path localRepo);

  /** Every partition the partition map names, ascending; never empty. */
  SortedSet<Integer> partitions();

  /** A repository's wire path and the partition all its events go to. */
  record Route(WirePath path, int partition) {
    public Route {
      Objects.requireNonNull(path, "path");
      if (partition < 0) {
        throw new IllegalArgumentException("negative partition " + partition);
      }
    }
  }
}
