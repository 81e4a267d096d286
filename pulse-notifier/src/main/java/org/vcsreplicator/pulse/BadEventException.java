package org.vcsreplicator.pulse;

/**
 * An event that can never become a notification as it is: its path leaves its root, its
 * obsolescence markers do not decode. Permanent: the notifier stops on it without acknowledging
 * it, and says how to skip it (SPEC 2.2: dropping is an operator's act).
 */
public final class BadEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadEventException(String message) {
        super(message);
    }

    public BadEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
