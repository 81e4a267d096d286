package org.vcsreplicator.pulse;

/** The kinds of public push notification, with the {@code type} name Pulse consumers see. */
public enum NotificationType {
    /** A repository was created: {@code {repo_url}}. */
    NEWREPO("newrepo.1"),
    /** Changesets were pushed: {@code {repo_url, heads, source, pushlog_pushes}}. */
    CHANGEGROUP("changegroup.1"),
    /** Obsolescence markers arrived: {@code {repo_url, markers}}. */
    OBSOLETE("obsolete.1");

    private final String wireName;

    NotificationType(String wireName) {
        this.wireName = wireName;
    }

    /** @return the {@code type} value of the v2 payload, e.g. {@code changegroup.1}; never null */
    public String wireName() {
        return wireName;
    }

    @Override
    public String toString() {
        return wireName;
    }
}
