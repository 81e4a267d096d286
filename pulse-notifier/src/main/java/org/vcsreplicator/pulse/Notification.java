package org.vcsreplicator.pulse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One public push notification, ready to publish: its type, the repository's public URL, the
 * routing key derived from it, and the {@code data} object.
 *
 * <p>Two payloads come from it (SPEC 6): the v2 exchange ({@code exchange2}) gets every type as
 * {@code {"type": TYPE, "data": DATA}}; the v1 exchange ({@code exchange}) knew only pushes and gets
 * {@code changegroup.1} alone, reduced to {@code repo_url}, {@code heads} and {@code
 * pushlog_pushes}.
 *
 * <p>Immutable: {@code data} is a private copy and every accessor returns a copy.
 *
 * @param type never null
 * @param repoUrl the public URL ({@code [public_url_rewrites]}), never null
 * @param routingKey {@code repoUrl} without {@code routing_key_strip_prefix}, never null
 * @param data the {@code data} object, never null
 */
public record Notification(NotificationType type, String repoUrl, String routingKey, ObjectNode data) {

    /** The keys a v1 consumer ever saw; the v1 payload is locked to them. */
    static final List<String> V1_KEYS = List.of("repo_url", "heads", "pushlog_pushes");

    public Notification {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(repoUrl, "repoUrl");
        Objects.requireNonNull(routingKey, "routingKey");
        data = Objects.requireNonNull(data, "data").deepCopy();
    }

    /** @return a copy of the data object, never null */
    @Override
    public ObjectNode data() {
        return data.deepCopy();
    }

    /** @return {@code {"type": …, "data": …}} for the v2 exchange, never null */
    public ObjectNode v2Payload() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.put("type", type.wireName());
        payload.set("data", data.deepCopy());
        return payload;
    }

    /** @return the v1 payload for a {@code changegroup.1}; empty for every other type */
    public Optional<ObjectNode> v1Payload() {
        if (type != NotificationType.CHANGEGROUP) {
            return Optional.empty();
        }
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        for (String key : V1_KEYS) {
            JsonNode value = data.get(key);
            if (value != null) {
                payload.set(key, value.deepCopy());
            }
        }
        return Optional.of(payload);
    }
}
