package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}

