package org.vcsreplicator.pulse;

import org.vcsreplicator.message.WirePath;

/**
 * The canonical repositories on the master, as far as the notifier needs them: where a wire path
 * lives, and whether the configured roots are there at all.
 *
 * <p>SPEC 2.5: a repository that no longer exists was deleted (a valid race: the notification is
 * skipped); a missing or unreadable <em>root</em> is a misconfiguration and must stop the notifier,
 * never make it skip everything.
 *
 * <p>Implementations are thread-safe.
 */
public interface MasterRepositories {

    /**
     * Checks that every configured root is a readable directory.
     *
     * @throws NotifierMisconfiguredException naming the first root that is not
     */
    void checkRoots() throws NotifierMisconfiguredException;

    /**
     * The repository a wire path names, existing or not. Checks its root first.
     *
     * @param path never null
     * @return never null
     * @throws NotifierMisconfiguredException when no root is configured for the path, or its root
     *     is missing or unreadable
     * @throws BadEventException when the path leaves its root (SPEC 2.6)
     * @throws MasterQueryException when the filesystem cannot be read for another reason
     */
    MasterRepository locate(WirePath path)
            throws NotifierMisconfiguredException, BadEventException, MasterQueryException;
}
