package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link NotificationPublisher} against a real AMQP broker. */
class NotificationPublisherIT {
    @RegisterExtension
    static final AmqpBrokerFixture amqp = new AmqpBrokerFixture();

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:34:56.789012Z"), ZoneOffset.UTC);

    static Notification changegroup() {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("repo_url", "https://hg.mozilla.org/mozilla-central");
        data.putArray("heads").add("77538e1ce4bec5f7aac58a7ceca2da0e38e90a72");
        data.put("source", "serve");
        data.putArray("pushlog_pushes");
        return new Notification(NotificationType.CHANGEGROUP, "https://hg.mozilla.org/mozilla-central",
                "mozilla-central", data);
    }

    @Test
    void sendsV1ThenV2WithTheEnvelope() throws Exception {
        String v1 = amqp.uniqueName("v1");
        String v2 = amqp.uniqueName("v2");
        String q1 = amqp.bindQueue(v1, "mozilla-central");
        String q2 = amqp.bindQueue(v2, "#");
        try (AmqpPublisher amqpPublisher = new AmqpPublisher(amqp.endpoint())) {
            Set<String> confirmed = new HashSet<>();
            new NotificationPublisher(amqpPublisher, v1, v2, CLOCK).publish(changegroup(), confirmed);
            assertEquals(Set.of(v1, v2), confirmed);
        }
        JsonNode one = JSON.readTree(amqp.awaitMessage(q1, WAIT).getBody());
        assertEquals(JSON.readTree("{\"repo_url\": \"https://hg.mozilla.org/mozilla-central\","
                + " \"heads\": [\"77538e1ce4bec5f7aac58a7ceca2da0e38e90a72\"], \"pushlog_pushes\": []}"), one.get("payload"));
        assertEquals(JSON.readTree("{\"exchange\": \"" + v1 + "\", \"routing_key\": \"mozilla-central\","
                + " \"serializer\": \"json\", \"sent\": \"2024-05-01T12:34:56.789012\"}"), one.get("_meta"));
        JsonNode two = JSON.readTree(amqp.awaitMessage(q2, WAIT).getBody());
        assertEquals("changegroup.1", two.get("payload").get("type").asText());
        assertEquals("serve", two.get("payload").get("data").get("source").asText());
        assertEquals(v2, two.get("_meta").get("exchange").asText());
    }

    @Test
    void retryDoesNotResendToAnExchangeThatAlreadyConfirmed() throws Exception {
        String v1 = amqp.uniqueName("v1");
        String v2 = amqp.uniqueName("v2");
        String q1 = amqp.bindQueue(v1, "#");
        // Mandatory publishing makes v2 fail while no queue is bound to it.
        try (AmqpPublisher mandatory = new AmqpPublisher(amqp.endpoint(), new AmqpPublisher.Options(true, true))) {
            NotificationPublisher publisher = new NotificationPublisher(mandatory, v1, v2, CLOCK);
            Set<String> confirmed = new HashSet<>();
            assertThrows(TransientAmqpPublishException.class, () -> publisher.publish(changegroup(), confirmed));
            assertEquals(Set.of(v1), confirmed);

            String q2 = amqp.bindQueue(v2, "#");
            publisher.publish(changegroup(), confirmed);
            assertEquals(Set.of(v1, v2), confirmed);
            amqp.awaitMessage(q2, WAIT);
        }
        amqp.awaitMessage(q1, WAIT);
        assertTrue(amqp.pollMessage(q1).isEmpty(), "v1 got the notification twice");
    }
}
