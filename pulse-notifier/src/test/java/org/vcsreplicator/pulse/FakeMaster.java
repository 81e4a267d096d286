package org.vcsreplicator.pulse;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.WirePath;

/**
 * A master in memory: repositories by wire path under {@code {moz} = /repo/hg/mozilla}, each with
 * an optional pushlog and known changesets. Scriptable failures: a missing root, a repository that
 * vanishes at its first query, a number of transient query failures.
 */
final class FakeMaster implements MasterRepositories {
    static final String ROOT = "/repo/hg/mozilla";

    final Map<String, Repo> repos = new HashMap<>();
    boolean rootMissing;
    int queryFailures;

    Repo add(String name) {
        Repo r = new Repo(Path.of(ROOT, name));
        repos.put("{moz}/" + name, r);
        return r;
    }

    @Override
    public void checkRoots() throws NotifierMisconfiguredException {
        if (rootMissing) {
            throw new NotifierMisconfiguredException("repository root " + ROOT + " does not exist");
        }
    }

    @Override
    public MasterRepository locate(WirePath path) throws NotifierMisconfiguredException, BadEventException {
        checkRoots();
        if (!path.value().startsWith("{moz}/")) {
            throw new NotifierMisconfiguredException("no [path_rewrites] entry matches " + path);
        }
        if (path.value().contains("..")) {
            throw new BadEventException("wire path " + path + " escapes its root");
        }
        Repo r = repos.get(path.value());
        return r != null ? r : new Repo(Path.of(ROOT, path.value().substring("{moz}/".length()))).deleted();
    }

    final class Repo implements MasterRepository {
        final Path path;
        boolean exists = true;
        boolean vanishOnQuery;
        Map<NodeId, Push> pushlog; // null: no pushlog
        final Map<NodeId, ChangesetInfo> changesets = new HashMap<>();

        Repo(Path path) {
            this.path = path;
        }

        Repo deleted() {
            exists = false;
            return this;
        }

        Repo push(Push push, String... nodes) {
            if (pushlog == null) {
                pushlog = new HashMap<>();
            }
            for (String n : nodes) {
                pushlog.put(NodeId.of(n), push);
            }
            return this;
        }

        Repo changeset(String node, String desc, Boolean visible) {
            NodeId id = NodeId.of(node);
            Optional<Push> push = pushlog == null ? Optional.empty() : Optional.ofNullable(pushlog.get(id));
            changesets.put(id, new ChangesetInfo(id, desc, Optional.ofNullable(visible), push));
            return this;
        }

        @Override
        public Path localPath() {
            return path;
        }

        @Override
        public boolean exists() {
            return exists;
        }

        private void query() throws RepositoryGoneException, MasterQueryException {
            if (queryFailures > 0) {
                queryFailures--;
                throw new MasterQueryException("hg is having a bad day");
            }
            if (vanishOnQuery) {
                exists = false;
            }
            if (!exists) {
                throw new RepositoryGoneException(path);
            }
        }

        @Override
        public Optional<Map<NodeId, Push>> pushes(Collection<NodeId> nodes)
                throws RepositoryGoneException, MasterQueryException {
            query();
            if (pushlog == null) {
                return Optional.empty();
            }
            Map<NodeId, Push> out = new HashMap<>();
            for (NodeId n : nodes) {
                if (pushlog.containsKey(n)) {
                    out.put(n, pushlog.get(n));
                }
            }
            return Optional.of(out);
        }

        @Override
        public Optional<ChangesetInfo> changeset(NodeId node) throws RepositoryGoneException, MasterQueryException {
            query();
            return Optional.ofNullable(changesets.get(node));
        }
    }
}
