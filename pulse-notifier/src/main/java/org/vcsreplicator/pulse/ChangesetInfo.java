package org.vcsreplicator.pulse;

import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.message.NodeId;

/**
 * What the master knows about a changeset it has (hidden or not), for {@code obsolete.1}.
 *
 * @param node never null
 * @param description the commit message, never null
 * @param visible whether it is visible (not hidden by obsolescence); empty when hg could not
 *     tell, which the notification shows as {@code null}
 * @param push the push that brought it, if the repository has a pushlog entry for it
 */
public record ChangesetInfo(NodeId node, String description, Optional<Boolean> visible, Optional<Push> push) {
    public ChangesetInfo {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(visible, "visible");
        Objects.requireNonNull(push, "push");
    }
}
