package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How {@link AmqpBrokerFixture} picks its broker in AUTO mode. */
class AmqpBrokerFixtureIT {

    @Test
    void autoModeFallsBackToTheEmbeddedBrokerWhenNoRabbitMqAnswers() throws Exception {
        assumeFalse(AmqpBrokerFixture.requestedMode(System.getProperty(AmqpBrokerFixture.MODE_PROPERTY),
                        System.getenv(AmqpBrokerFixture.MODE_ENV)) == AmqpBrokerFixture.Mode.RABBITMQ,
                "RabbitMQ is demanded: there is no fallback to show");
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (AmqpBrokerFixture broker = new AmqpBrokerFixture(AmqpBrokerFixture.Mode.AUTO, closedPort).start()) {
            assertEquals(AmqpBrokerFixture.Kind.EMBEDDED_QPID, broker.kind());
            assertNotEquals(closedPort, broker.port());

            String exchange = broker.uniqueName("exchange/fallback");
            String queue = broker.bindQueue(exchange, "#");
            try (AmqpPublisher publisher = new AmqpPublisher(broker.endpoint())) {
                publisher.publish(exchange, "repo", "{}".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("{}", new String(broker.awaitMessage(queue, Duration.ofSeconds(10)).getBody(),
                    StandardCharsets.UTF_8));
        }
    }
}
