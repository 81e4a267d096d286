package org.vcsreplicator.hg;

import java.util.List;
import java.util.Objects;

/**
 * A classified hg failure.
 *
 * @param kind what went wrong, never null
 * @param requirements for {@link HgFailureKind#UNSUPPORTED_REQUIREMENT}, the requirement names hg
 *     refused (for example {@code dirstate-v2}); empty for other kinds; never null
 * @param message the line that decided the classification (usually hg's {@code abort: …} line),
 *     or the last line of output when nothing matched; empty when hg printed nothing; never null
 */
public record HgFailure(HgFailureKind kind, List<String> requirements, String message) {

    public HgFailure {
        Objects.requireNonNull(kind, "kind");
        requirements = List.copyOf(requirements);
        Objects.requireNonNull(message, "message");
    }

    /** Same as {@code kind().isTransient()}. */
    public boolean isTransient() {
        return kind.isTransient();
    }
}
