package org.vcsreplicator.pulse;

/**
 * The notifier's configuration does not fit the master: a repository root is missing or
 * unreadable, a wire path has no {@code [path_rewrites]} entry, a public URL does not begin with
 * {@code routing_key_strip_prefix}. The notifier refuses to start, or stops, without acknowledging
 * the event in hand (SPEC 2.5): skipping would silently drop every notification.
 */
public final class NotifierMisconfiguredException extends Exception {
    private static final long serialVersionUID = 1L;

    public NotifierMisconfiguredException(String message) {
        super(message);
    }

    public NotifierMisconfiguredException(String message, Throwable cause) {
        super(message, cause);
    }
}
