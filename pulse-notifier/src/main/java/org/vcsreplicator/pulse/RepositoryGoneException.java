package org.vcsreplicator.pulse;

import java.nio.file.Path;

/**
 * The repository does not exist (any more) on the master: it was deleted, possibly while its
 * notification was being built. An expected race (SPEC 2.5): the event is acknowledged and skipped.
 */
public final class RepositoryGoneException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Path localPath;

    public RepositoryGoneException(Path localPath) {
        super("repository " + localPath + " does not exist");
        this.localPath = localPath;
    }

    /** @return the repository's local path, never null */
    public Path localPath() {
        return localPath;
    }
}
