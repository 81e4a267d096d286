package org.vcsreplicator.producer;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import org.vcsreplicator.config.ProducerSettings;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.PartitionMap;
import org.vcsreplicator.routing.ProducerPathRewrites;

/**
 * Maps a master repository to its wire path and partition (SPEC §4): {@code
 * [replicationpathrewrites]} plus the partition map. Pure and thread-safe.
 */
public interface RepoRouter {

  /**
   * The route of the repository at this absolute local path (its root, as hg reports it).
   *
   * @return never null
   * @throws RepoNotReplicatedException when no rewrite or no partition map entry matches
   */
  Route route(Path localRepo) throws RepoNotReplicatedException;

  /** Every partition the partition map names, ascending and distinct; never empty. */
  List<Integer> partitions();

  /** The lowest mapped partition: where the heartbeat before {@code hg init} goes. */
  default int lowestPartition() {
    return partitions().get(0);
  }

  /** A repository's wire path and the partition all its events go to. */
  record Route(WirePath path, int partition) {
    public Route {
      Objects.requireNonNull(path, "path");
      if (partition < 0) {
        throw new IllegalArgumentException("negative partition " + partition);
      }
    }
  }

  /** The router the producer settings describe. */
  static RepoRouter from(ProducerSettings settings) {
    return of(settings.pathRewrites(), settings.partitionMap());
  }

  /** A router from path rewrites and a partition map. */
  static RepoRouter of(ProducerPathRewrites rewrites, PartitionMap partitionMap) {
    Objects.requireNonNull(rewrites, "rewrites");
    Objects.requireNonNull(partitionMap, "partitionMap");
    return new RepoRouter() {
      @Override
      public Route route(Path localRepo) throws RepoNotReplicatedException {
        WirePath wire = rewrites.wirePathOf(localRepo.toString())
            .orElseThrow(() -> new RepoNotReplicatedException(localRepo,
                "repository path not configured for replication", "add entry to [replicationpathrewrites]"));
        OptionalInt partition = partitionMap.partitionFor(wire);
        if (partition.isEmpty()) {
          throw new RepoNotReplicatedException(localRepo,
              "unable to map repo to partition", "define a partition map with a \".*\" fallback");
        }
        return new Route(wire, partition.getAsInt());
      }

      @Override
      public List<Integer> partitions() {
        return partitionMap.allPartitions();
      }
    };
  }
}
