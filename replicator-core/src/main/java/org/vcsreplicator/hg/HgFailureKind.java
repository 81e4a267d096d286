package org.vcsreplicator.hg;

/** Why an hg command failed, as far as its output tells. */
public enum HgFailureKind {
    /**
     * An interrupted transaction blocks the repository ({@code abort: abandoned transaction
     * found}); {@code hg recover} clears it, after which the command can run again. Not
     * transient: waiting does not help, recovering does.
     */
    ABANDONED_TRANSACTION(false),
    /** Another process holds the repository or working-directory lock and hg gave up waiting. */
    LOCK_HELD(true),
    /** The local repository does not exist. */
    REPO_NOT_FOUND(false),
    /**
     * The remote answered but has no such repository (ssh {@code remote: abort: repository … not
     * found}, HTTP 404, or a URL that is not a Mercurial repository).
     */
    REMOTE_REPO_NOT_FOUND(false),
    /** A revision asked for does not exist (locally, or on the remote of a pull). */
    UNKNOWN_REVISION(false),
    /** The remote could not be reached or broke off (connection refused, DNS, ssh, HTTP 5xx). */
    REMOTE_UNREACHABLE(true),
    /**
     * The local repository needs a format feature this hg cannot open; see
     * {@link HgFailure#requirements()}.
     */
    UNSUPPORTED_REQUIREMENT(false),
    /** Anything else: treated as permanent. */
    OTHER(false);

    private final boolean transientFailure;

    HgFailureKind(boolean transientFailure) {
        this.transientFailure = transientFailure;
    }

    /**
     * True when the same command may succeed later without anyone acting (retry with back-off);
     * false when retrying alone will not help (park it and tell an operator, or recover first).
     */
    public boolean isTransient() {
        return transientFailure;
    }
}
