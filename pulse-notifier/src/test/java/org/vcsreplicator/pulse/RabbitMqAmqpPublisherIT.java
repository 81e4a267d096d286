package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AmqpPublisherContract} against RabbitMQ on 127.0.0.1:5672 (what Pulse runs). Skipped
 * where none answers, or when {@code VCSREPLICATOR_TEST_AMQP=embedded}.
 */
class RabbitMqAmqpPublisherIT extends AmqpPublisherContract {

    @RegisterExtension
    static final AmqpBrokerFixture BROKER = new AmqpBrokerFixture(AmqpBrokerFixture.Mode.RABBITMQ);

    @Override
    AmqpBrokerFixture broker() {
        return BROKER;
    }

    @Test
    void fixtureUsesTheRunningRabbitMq() {
        assertEquals(AmqpBrokerFixture.Kind.RABBITMQ, BROKER.kind());
        assertEquals(5672, BROKER.port());
    }

    // RabbitMQ only: a Qpid queue that rejects on overflow drops a non-mandatory message and ACKs it.
    @Test
    void nackedMessageIsATransientFailureAndThePublisherStaysUsable() throws Exception {
        String exchange = BROKER.uniqueName("exchange/nack");
        BROKER.bindQueue(exchange, "full", Map.of("x-max-length", 0, "x-overflow", "reject-publish"));
        String queue = BROKER.bindQueue(exchange, "open");
        try (AmqpPublisher publisher = new AmqpPublisher(BROKER.endpoint())) {
            TransientAmqpPublishException e = assertThrows(TransientAmqpPublishException.class,
                    () -> publisher.publish(exchange, "full", "{}".getBytes(StandardCharsets.UTF_8)));
            assertTrue(e.getMessage().contains("NACK"), e.getMessage());

            publisher.publish(exchange, "open", "{\"after\":true}".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("{\"after\":true}",
                new String(BROKER.awaitMessage(queue, Duration.ofSeconds(10)).getBody(), StandardCharsets.UTF_8));
    }
}
