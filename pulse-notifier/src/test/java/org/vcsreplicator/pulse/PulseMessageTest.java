package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** @see AmqpPublisherContract for the same envelope going through a real broker */
class PulseMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void wrapsPayloadInPulseEnvelopeInTheOriginalsKeyOrder() throws Exception {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("repo_url", "https://hg.mozilla.org/mozilla-central");
        payload.putArray("heads").add("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");
        Clock clock = Clock.fixed(Instant.parse("2024-05-01T12:34:56.789012Z"), ZoneId.of("Europe/Berlin"));

        PulseMessage message = PulseMessage.create("exchange/hgpushes/v1", "mozilla-central", payload, clock);
        String json = new String(message.toJsonBytes(), StandardCharsets.UTF_8);

        assertEquals("{\"payload\":{\"repo_url\":\"https://hg.mozilla.org/mozilla-central\","
                + "\"heads\":[\"77538e1ce4bec5f7aac58a7ceca2da0e38e90a72\"]},"
                + "\"_meta\":{\"exchange\":\"exchange/hgpushes/v1\",\"routing_key\":\"mozilla-central\","
                + "\"serializer\":\"json\",\"sent\":\"2024-05-01T12:34:56.789012\"}}", json);
        JsonNode parsed = JSON.readTree(json);
        List<String> keys = new ArrayList<>();
        parsed.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("payload", "_meta"), keys);
    }

    @ParameterizedTest
    @CsvSource({
            // Python: datetime.utcnow().isoformat(): microseconds, no zone, no fraction when zero
            "2024-05-01T12:34:56.789012Z, 2024-05-01T12:34:56.789012",
            "2024-05-01T12:34:56.000001Z, 2024-05-01T12:34:56.000001",
            "2024-05-01T12:34:56.100Z,    2024-05-01T12:34:56.100000",
            "2024-05-01T12:34:56Z,        2024-05-01T12:34:56",
            "2024-05-01T12:34:56.000000999Z, 2024-05-01T12:34:56",
            "2024-12-31T23:59:59.999999999Z, 2024-12-31T23:59:59.999999",
            "1999-01-02T03:04:05.5Z,      1999-01-02T03:04:05.500000",
    })
    void formatsSentLikePythonsUtcIsoformat(String instant, String expected) {
        assertEquals(expected, PulseMessage.formatSent(Instant.parse(instant)));
    }

    @Test
    void keepsItsOwnCopyOfThePayload() {
        ObjectNode payload = JSON.createObjectNode().put("type", "newrepo.1");
        PulseMessage message = new PulseMessage("x", "y", payload, Instant.EPOCH);
        payload.put("type", "changed");
        assertEquals("newrepo.1", message.payload().get("type").asText());
        assertFalse(message.toJsonTree().get("payload") == message.payload(), "tree must not share the payload");
    }
}
