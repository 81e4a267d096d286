package org.vcsreplicator.pulse;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFailure;
import org.vcsreplicator.hg.HgFailureClassifier;
import org.vcsreplicator.hg.HgFailureKind;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.WirePath;
import org.vcsreplicator.routing.PathEscapesRootException;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.SafePathResolver;
import org.vcsreplicator.routing.UnmappedPathException;

/**
 * The master's repositories on the local disk: wire paths are placed with {@code [path_rewrites]}
 * (each entry's directory is a root), pushlogs are read from {@code .hg/pushlog2.db}, changesets
 * are asked of hg.
 *
 * <p>A repository exists when its directory has a {@code .hg} directory. Before saying that a
 * repository does not exist, its root is checked: a root that is missing, not a directory or not
 * readable is a misconfiguration (an unmounted volume, a typo), never a deleted repository
 * (SPEC 2.5).
 *
 * <p>Thread-safe (the {@link Hg} is).
 */
public final class LocalMasterRepositories implements MasterRepositories {

    private final PathRewrites rewrites;
    private final SafePathResolver resolver;
    private final Hg hg;

    /**
     * @param rewrites the notifier's {@code [path_rewrites]}, never null
     * @param hg how to run hg, never null; not closed by this class
     */
    public LocalMasterRepositories(PathRewrites rewrites, Hg hg) {
        this.rewrites = Objects.requireNonNull(rewrites, "rewrites");
        this.resolver = new SafePathResolver(rewrites);
        this.hg = Objects.requireNonNull(hg, "hg");
    }

    @Override
    public void checkRoots() throws NotifierMisconfiguredException {
        if (rewrites.isEmpty()) {
            throw new NotifierMisconfiguredException(
                    "no [path_rewrites] entry: the notifier cannot find any repository on the master");
        }
        for (int i = 0; i < rewrites.entries().size(); i++) {
            checkRoot(rewrites.entries().get(i).prefix(), rewrites.roots().get(i));
        }
    }

    private static void checkRoot(String prefix, Path root) throws NotifierMisconfiguredException {
        String what = "repository root " + root + " ([path_rewrites] " + prefix + ")";
        String problem = null;
        if (!Files.exists(root)) {
            problem = "does not exist";
        } else if (!Files.isDirectory(root)) {
            problem = "is not a directory";
        } else if (!Files.isReadable(root) || !Files.isExecutable(root)) {
            problem = "is not readable";
        }
        if (problem != null) {
            throw new NotifierMisconfiguredException(what + " " + problem
                    + "; refusing to treat every repository under it as deleted");
        }
    }

    @Override
    public MasterRepository locate(WirePath path)
            throws NotifierMisconfiguredException, BadEventException, MasterQueryException {
        Optional<PathRewrites.Match> match = rewrites.match(path.value());
        if (match.isEmpty()) {
            throw new NotifierMisconfiguredException("no [path_rewrites] entry matches " + path
                    + ": the notifier cannot find it on the master");
        }
        checkRoot(match.get().rewrite().prefix(), match.get().root());
        Path local;
        try {
            local = resolver.resolve(path);
        } catch (PathEscapesRootException e) {
            throw new BadEventException(e.getMessage(), e);
        } catch (UnmappedPathException e) {
            throw new NotifierMisconfiguredException(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new MasterQueryException("cannot read the filesystem for " + path + ": " + e.getMessage(), e);
        }
        return new Local(local);
    }

    private final class Local implements MasterRepository {
        private final Path path;

        Local(Path path) {
            this.path = path;
        }

        @Override
        public Path localPath() {
            return path;
        }

        @Override
        public boolean exists() {
            return Files.isDirectory(path.resolve(".hg"));
        }

        @Override
        public Optional<Map<NodeId, Push>> pushes(Collection<NodeId> nodes)
                throws RepositoryGoneException, MasterQueryException {
            Path db = PushlogDatabase.fileOf(path);
            if (!Files.isRegularFile(db)) {
                requireExists();
                return Optional.empty();
            }
            try {
                return PushlogDatabase.pushes(db, nodes);
            } catch (SQLException e) {
                requireExists();
                throw new MasterQueryException("cannot read pushlog " + db + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Optional<ChangesetInfo> changeset(NodeId node) throws RepositoryGoneException, MasterQueryException {
            // {desc} last: it may hold anything but NUL, which a commit message cannot contain.
            HgResult known = run("log", "--hidden", "-r", node.hex(), "-T", "{node}\\0{desc}");
            if (!known.succeeded()) {
                HgFailure failure = classify(known);
                if (failure.kind() == HgFailureKind.UNKNOWN_REVISION) {
                    return Optional.empty();
                }
                throw new MasterQueryException("hg log of " + node + " in " + path + " failed: " + failure.message());
            }
            String out = known.stdout();
            int nul = out.indexOf('\0');
            if (nul < 0 || !out.substring(0, nul).equals(node.hex())) {
                throw new MasterQueryException("unexpected hg log output for " + node + " in " + path + ": " + out);
            }
            String description = out.substring(nul + 1);
            Optional<Push> push = pushes(List.of(node)).map(m -> m.get(node));
            return Optional.of(new ChangesetInfo(node, description, visible(node), push));
        }

        /** Visible unless hg calls it hidden; unknown (null) when hg fails for another reason. */
        private Optional<Boolean> visible(NodeId node) throws RepositoryGoneException, MasterQueryException {
            HgResult r = run("log", "-r", node.hex(), "-T", "{node}");
            if (r.succeeded()) {
                return Optional.of(!r.stdout().isBlank());
            }
            if (r.output().contains("hidden revision")) {
                return Optional.of(false);
            }
            classify(r); // throws when the repository is gone
            return Optional.empty();
        }

        private HgResult run(String... args) throws MasterQueryException {
            try {
                return hg.run(path, args);
            } catch (HgUnavailableException e) {
                throw new MasterQueryException("cannot run hg for " + path + ": " + e.getMessage(), e);
            }
        }

        private HgFailure classify(HgResult result) throws RepositoryGoneException {
            HgFailure failure = HgFailureClassifier.classify(result);
            if (failure.kind() == HgFailureKind.REPO_NOT_FOUND || !exists()) {
                throw new RepositoryGoneException(path);
            }
            return failure;
        }

        private void requireExists() throws RepositoryGoneException {
            if (!exists()) {
                throw new RepositoryGoneException(path);
            }
        }
    }
}
