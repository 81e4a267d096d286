package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * What {@link AmqpPublisher} promises, checked against a real broker. Each subclass runs it
 * against one kind of broker ({@link EmbeddedBrokerAmqpPublisherIT}, {@link RabbitMqAmqpPublisherIT}).
 *
 * @see PulseMessageTest
 */
abstract class AmqpPublisherContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:34:56.789012Z"), ZoneOffset.UTC);

    abstract AmqpBrokerFixture broker();

    private static ObjectNode payload(String type) {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", type);
        p.putObject("data").put("repo_url", "https://hg.mozilla.org/integration/foo_Bar-baz");
        return p;
    }

    @Test
    void deliversConfirmedMessageWithEnvelopeRoutingKeyAndProperties() throws Exception {
        String exchange = broker().uniqueName("exchange/hgpushes/v2");
        String all = broker().bindQueue(exchange, "#");
        String other = broker().bindQueue(exchange, "mozilla-central");
        PulseMessage message = PulseMessage.create(exchange, "integration/foo_Bar-baz", payload("newrepo.1"), CLOCK);

        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint())) {
            publisher.publish(message);
        }

        // Confirmed means routed and enqueued: the message is there without waiting.
        GetResponse got = broker().pollMessage(all).orElseThrow(() -> new AssertionError("confirmed but not queued"));
        JsonNode body = JSON.readTree(new String(got.getBody(), StandardCharsets.UTF_8));
        assertEquals(message.toJsonTree(), body);
        assertEquals("2024-05-01T12:34:56.789012", body.path("_meta").path("sent").asText());
        assertEquals("newrepo.1", body.path("payload").path("type").asText());
        assertEquals(exchange, got.getEnvelope().getExchange());
        assertEquals("integration/foo_Bar-baz", got.getEnvelope().getRoutingKey());
        AMQP.BasicProperties props = got.getProps();
        assertEquals("application/json", props.getContentType());
        assertEquals("utf-8", props.getContentEncoding());
        assertEquals(2, props.getDeliveryMode());
        assertTrue(broker().pollMessage(other).isEmpty(), "routing key mozilla-central must not match");
    }

    @Test
    void publishesInOrderOverOneConnection() throws Exception {
        String exchange = broker().uniqueName("exchange/order");
        String queue = broker().bindQueue(exchange, "#");
        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint())) {
            for (int i = 0; i < 20; i++) {
                publisher.publish(exchange, "repo", ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            Connection first = publisher.currentConnection();
            publisher.publish(exchange, "repo", "{\"n\":20}".getBytes(StandardCharsets.UTF_8));
            assertEquals(first, publisher.currentConnection(), "no reconnect without a reason");
        }
        for (int i = 0; i <= 20; i++) {
            GetResponse got = broker().awaitMessage(queue, WAIT);
            assertEquals("{\"n\":" + i + "}", new String(got.getBody(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void declaresTheExchangeAsDurableTopicLikeTheOriginal() throws Exception {
        String exchange = broker().uniqueName("exchange/declared");
        assertFalse(broker().exchangeExists(exchange));
        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint())) {
            // No queue bound: confirmed and dropped, as with the original (not mandatory).
            publisher.publish(PulseMessage.create(exchange, "repo", payload("changegroup.1"), CLOCK));
        }
        assertTrue(broker().exchangeExists(exchange));
        // Re-declaring with the same properties is accepted, with another type refused.
        broker().declareExchange(exchange, BuiltinExchangeType.TOPIC, true);
        assertThrows(RuntimeException.class,
                () -> broker().declareExchange(exchange, BuiltinExchangeType.DIRECT, true));
        if (broker().kind() == AmqpBrokerFixture.Kind.RABBITMQ) {
            // Only RabbitMQ checks durability on re-declaration (Qpid accepts either).
            assertThrows(RuntimeException.class,
                    () -> broker().declareExchange(exchange, BuiltinExchangeType.TOPIC, false));
        }
    }

    @Test
    void mandatoryMessageThatNoQueueTakesIsAFailure() throws Exception {
        String exchange = broker().uniqueName("exchange/mandatory");
        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint(), new AmqpPublisher.Options(true, true))) {
            TransientAmqpPublishException e = assertThrows(TransientAmqpPublishException.class,
                    () -> publisher.publish(PulseMessage.create(exchange, "nobody", payload("x"), CLOCK)));
            // RabbitMQ: return + ACK. Qpid: return + NACK, in either order.
            assertTrue(e.getMessage().contains("unroutable"), e.getMessage());
            assertEquals(exchange, e.exchange());
            assertEquals("nobody", e.routingKey());

            String queue = broker().bindQueue(exchange, "somebody");
            publisher.publish(PulseMessage.create(exchange, "somebody", payload("y"), CLOCK));
            assertEquals("y", JSON.readTree(broker().awaitMessage(queue, WAIT).getBody())
                    .path("payload").path("type").asText());
        }
    }

    @Test
    void missingExchangeIsRefusedAndThePublisherStaysUsable() throws Exception {
        String missing = broker().uniqueName("exchange/missing");
        String present = broker().uniqueName("exchange/present");
        String queue = broker().bindQueue(present, "#");
        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint(), new AmqpPublisher.Options(false, false))) {
            RefusedAmqpPublishException e = assertThrows(RefusedAmqpPublishException.class,
                    () -> publisher.publish(missing, "repo", "{}".getBytes(StandardCharsets.UTF_8)));
            assertFalse(e.isTransient());
            assertTrue(e.getMessage().contains("404"), e.getMessage());

            publisher.publish(present, "repo", "{\"after\":true}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("{\"after\":true}", new String(broker().awaitMessage(queue, WAIT).getBody(), StandardCharsets.UTF_8));
        assertFalse(broker().exchangeExists(missing), "must not have been created");
    }

    @Test
    void exchangeDeclaredWithOtherPropertiesIsRefused() {
        String exchange = broker().uniqueName("exchange/direct");
        broker().declareExchange(exchange, BuiltinExchangeType.DIRECT, true);
        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint())) {
            RefusedAmqpPublishException e = assertThrows(RefusedAmqpPublishException.class,
                    () -> publisher.publish(PulseMessage.create(exchange, "repo", payload("x"), CLOCK)));
            // RabbitMQ closes the channel with 406 PRECONDITION_FAILED, Qpid the connection with 530.
            assertTrue(e.getMessage().contains("406") || e.getMessage().contains("530"), e.getMessage());
        }
    }

    @Test
    void brokerThatIsDownIsATransientFailure() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        AmqpEndpoint down = broker().endpoint().withAddress("127.0.0.1", closedPort);
        try (AmqpPublisher publisher = new AmqpPublisher(down)) {
            TransientAmqpPublishException e = assertThrows(TransientAmqpPublishException.class,
                    () -> publisher.publish(PulseMessage.create("exchange/x", "repo", payload("x"), CLOCK)));
            assertTrue(e.getMessage().contains("127.0.0.1:" + closedPort), e.getMessage());
            assertFalse(publisher.isConnected());
        }
    }

    @Test
    void wrongPasswordIsRefused() {
        AmqpEndpoint base = broker().endpoint();
        AmqpEndpoint wrong = new AmqpEndpoint(base.host(), base.port(), base.user(), "not-the-password",
                base.virtualHost(), false, base.connectTimeout(), base.confirmTimeout());
        try (AmqpPublisher publisher = new AmqpPublisher(wrong)) {
            RefusedAmqpPublishException e = assertThrows(RefusedAmqpPublishException.class,
                    () -> publisher.publish(PulseMessage.create("exchange/x", "repo", payload("x"), CLOCK)));
            assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
        }
    }

    @Test
    void reconnectsOnNextPublishAfterItsConnectionWasClosed() throws Exception {
        String exchange = broker().uniqueName("exchange/reconnect");
        String queue = broker().bindQueue(exchange, "#");
        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint())) {
            publisher.publish(exchange, "repo", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            Connection first = publisher.currentConnection();
            first.close();
            assertFalse(publisher.isConnected());

            publisher.publish(exchange, "repo", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
            assertNotSame(first, publisher.currentConnection());
            assertTrue(publisher.isConnected());
        }
        assertEquals("{\"n\":1}", new String(broker().awaitMessage(queue, WAIT).getBody(), StandardCharsets.UTF_8));
        assertEquals("{\"n\":2}", new String(broker().awaitMessage(queue, WAIT).getBody(), StandardCharsets.UTF_8));
    }

    @Test
    void reconnectsAfterTheNetworkDroppedTheConnection() throws Exception {
        String exchange = broker().uniqueName("exchange/network");
        String queue = broker().bindQueue(exchange, "#");
        TcpRelay relay = broker().newRelay();
        try (AmqpPublisher publisher = new AmqpPublisher(broker().endpoint().withAddress(relay.host(), relay.port()))) {
            publisher.publish(exchange, "repo", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            relay.severConnections();
            waitFor(() -> !publisher.isConnected(), "publisher to notice the lost connection");

            publisher.publish(exchange, "repo", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("{\"n\":1}", new String(broker().awaitMessage(queue, WAIT).getBody(), StandardCharsets.UTF_8));
        assertEquals("{\"n\":2}", new String(broker().awaitMessage(queue, WAIT).getBody(), StandardCharsets.UTF_8));
    }

    @Test
    void missingConfirmIsATransientFailureAndTheNextPublishStartsAfresh() throws Exception {
        String exchange = broker().uniqueName("exchange/timeout");
        String queue = broker().bindQueue(exchange, "#");
        TcpRelay relay = broker().newRelay();
        AmqpEndpoint viaRelay = broker().endpoint().withAddress(relay.host(), relay.port())
                .withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(400));
        try (AmqpPublisher publisher = new AmqpPublisher(viaRelay)) {
            publisher.publish(exchange, "repo", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            Connection first = publisher.currentConnection();

            relay.blackhole(true);
            TransientAmqpPublishException e = assertThrows(TransientAmqpPublishException.class,
                    () -> publisher.publish(exchange, "repo", "{\"lost\":true}".getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains("within"), e.getMessage());
            assertFalse(publisher.isConnected(), "a connection without confirms must be dropped");

            relay.blackhole(false);
            relay.severConnections();
            publisher.publish(exchange, "repo", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
            assertNotSame(first, publisher.currentConnection());
        }
        assertEquals("{\"n\":1}", new String(broker().awaitMessage(queue, WAIT).getBody(), StandardCharsets.UTF_8));
        assertEquals("{\"n\":2}", new String(broker().awaitMessage(queue, WAIT).getBody(), StandardCharsets.UTF_8));
        assertTrue(broker().pollMessage(queue).isEmpty(), "the swallowed message never reached the broker");
    }

    @Test
    void closedPublisherRefusesToPublish() {
        AmqpPublisher publisher = new AmqpPublisher(broker().endpoint());
        publisher.close();
        assertThrows(IllegalStateException.class,
                () -> publisher.publish("exchange/x", "repo", "{}".getBytes(StandardCharsets.UTF_8)));
    }

    static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for " + what);
            }
            LockSupport.parkNanos(2_000_000); // poll interval, not a wait for an outcome
        }
    }
}
