package org.vcsreplicator.pulse;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.vcsreplicator.message.NodeId;

/**
 * One repository on the master, found by {@link MasterRepositories#locate}. It may not exist; a
 * query on a repository that does not exist (any more) throws {@link RepositoryGoneException}.
 */
public interface MasterRepository {

    /** @return the local directory of the repository, never null */
    Path localPath();

    /** @return whether the repository exists now */
    boolean exists();

    /**
     * The pushlog entries of some changesets.
     *
     * @param nodes never null
     * @return empty when the repository has no pushlog at all; otherwise the push of every node
     *     that has one (a node without an entry is absent from the map); never null
     * @throws RepositoryGoneException the repository does not exist
     * @throws MasterQueryException the pushlog could not be read (retry later)
     */
    Optional<Map<NodeId, Push>> pushes(Collection<NodeId> nodes)
            throws RepositoryGoneException, MasterQueryException;

    /**
     * What the master knows about a changeset, hidden or not.
     *
     * @param node never null
     * @return empty when the repository does not have the changeset
     * @throws RepositoryGoneException the repository does not exist
     * @throws MasterQueryException hg failed for another reason (retry later)
     */
    Optional<ChangesetInfo> changeset(NodeId node) throws RepositoryGoneException, MasterQueryException;
}
