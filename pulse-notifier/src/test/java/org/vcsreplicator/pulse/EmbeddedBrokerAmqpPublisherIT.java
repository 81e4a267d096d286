package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link AmqpPublisherContract} against the embedded Qpid Broker-J, which every machine can run. */
class EmbeddedBrokerAmqpPublisherIT extends AmqpPublisherContract {

    @RegisterExtension
    static final AmqpBrokerFixture BROKER = new AmqpBrokerFixture(AmqpBrokerFixture.Mode.EMBEDDED);

    @Override
    AmqpBrokerFixture broker() {
        return BROKER;
    }

    @Test
    void fixtureRunsTheEmbeddedBrokerOnItsOwnPort() {
        assertEquals(AmqpBrokerFixture.Kind.EMBEDDED_QPID, BROKER.kind());
        assertNotEquals(5672, BROKER.port());
        assertEquals("/", BROKER.virtualHost());
    }

    @Test
    void reconnectsAfterTheBrokerClosedTheConnection() throws Exception {
        String exchange = BROKER.uniqueName("exchange/broker-close");
        String queue = BROKER.bindQueue(exchange, "#");
        try (AmqpPublisher publisher = new AmqpPublisher(BROKER.endpoint())) {
            publisher.publish(exchange, "repo", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            Connection first = publisher.currentConnection();

            BROKER.closeClientConnectionsFromBroker();
            waitFor(() -> !publisher.isConnected(), "publisher to see the broker's close");
            publisher.publish(exchange, "repo", "{\"n\":2}".getBytes(StandardCharsets.UTF_8));
            assertNotSame(first, publisher.currentConnection());
        }
        assertEquals("{\"n\":1}", new String(BROKER.awaitMessage(queue, Duration.ofSeconds(10)).getBody(), StandardCharsets.UTF_8));
        assertEquals("{\"n\":2}", new String(BROKER.awaitMessage(queue, Duration.ofSeconds(10)).getBody(), StandardCharsets.UTF_8));
    }
}
