package org.vcsreplicator.pulse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * One Pulse message: a payload for an exchange and routing key, wrapped in the envelope Pulse
 * consumers expect (SPEC 6):
 *
 * <pre>{"payload": PAYLOAD, "_meta": {"exchange": E, "routing_key": K, "serializer": "json", "sent": T}}</pre>
 *
 * <p>{@code sent} is the send time in UTC as the original wrote it with Python's
 * {@code datetime.utcnow().isoformat()}: {@code 2024-05-01T12:34:56.789012}, no zone designator,
 * microseconds, and no fraction at all when the microseconds are zero.
 *
 * <p>Immutable apart from the payload node, which is a private copy that callers must not modify.
 * Thread-safe.
 *
 * @param exchange exchange to publish to, never null
 * @param routingKey routing key, never null (the repository URL minus {@code routing_key_strip_prefix})
 * @param payload the message payload, never null
 * @param sent when the message is sent, never null
 */
public record PulseMessage(String exchange, String routingKey, JsonNode payload, Instant sent) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    public PulseMessage {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(sent, "sent");
        payload = payload.deepCopy();
    }

    /**
     * A message stamped with the clock's current time.
     *
     * @return never null
     */
    public static PulseMessage create(String exchange, String routingKey, JsonNode payload, Clock clock) {
        return new PulseMessage(exchange, routingKey, payload, clock.instant());
    }

    /**
     * The envelope as a JSON tree, keys in the original's order ({@code payload}, {@code _meta}).
     *
     * @return a fresh node, never null
     */
    public ObjectNode toJsonTree() {
        ObjectNode body = JSON.createObjectNode();
        body.set("payload", payload.deepCopy());
        ObjectNode meta = body.putObject("_meta");
        meta.put("exchange", exchange);
        meta.put("routing_key", routingKey);
        meta.put("serializer", "json");
        meta.put("sent", formatSent(sent));
        return body;
    }

    /**
     * The envelope as UTF-8 JSON, the body published to the broker.
     *
     * @return never null
     */
    public byte[] toJsonBytes() {
        try {
            return JSON.writeValueAsBytes(toJsonTree());
        } catch (JsonProcessingException e) {
            // A tree built from JsonNodes and strings always serialises.
            throw new IllegalStateException("cannot serialise Pulse message for " + exchange, e);
        }
    }

    /** Python's {@code datetime.utcnow().isoformat()} for this instant. */
    static String formatSent(Instant instant) {
        LocalDateTime utc = LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        int micros = utc.getNano() / 1000;
        String seconds = SECONDS.format(utc);
        return micros == 0 ? seconds : seconds + String.format(".%06d", micros);
    }
}
