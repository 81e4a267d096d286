package org.vcsreplicator.pulse;

/**
 * Reading a repository on the master failed for a reason that may pass: hg could not run, hg
 * failed unexpectedly, the pushlog database was locked or unreadable. Transient: the notifier
 * retries the same event with back-off and acknowledges nothing meanwhile.
 */
public final class MasterQueryException extends Exception {
    private static final long serialVersionUID = 1L;

    public MasterQueryException(String message) {
        super(message);
    }

    public MasterQueryException(String message, Throwable cause) {
        super(message, cause);
    }
}
