package org.vcsreplicator.pulse;

import java.util.Objects;

/** What the notifier does with one event: publish a notification, or acknowledge it without one. */
public sealed interface Decision {

    /**
     * Publish, then acknowledge once every exchange confirmed.
     *
     * @param notification never null
     */
    record Publish(Notification notification) implements Decision {
        public Publish {
            Objects.requireNonNull(notification, "notification");
        }
    }

    /**
     * Acknowledge without a notification.
     *
     * @param reason the log line saying why, in the original's words (operators grep for them),
     *     e.g. {@code ignoring repo because path in ignore list: {moz}/private/ignore}; never null
     */
    record Acknowledge(String reason) implements Decision {
        public Acknowledge {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
