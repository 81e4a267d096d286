package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vcsreplicator.pulse.AmqpBrokerFixture.Mode;

class AmqpBrokerFixtureTest {

    @Test
    void readsTheModeSwitchPropertyFirstThenEnvironment() {
        assertEquals(Mode.AUTO, AmqpBrokerFixture.requestedMode(null, null));
        assertEquals(Mode.AUTO, AmqpBrokerFixture.requestedMode("", " "));
        assertEquals(Mode.EMBEDDED, AmqpBrokerFixture.requestedMode(null, "embedded"));
        assertEquals(Mode.EMBEDDED, AmqpBrokerFixture.requestedMode("EMBEDDED", "rabbitmq"));
        assertEquals(Mode.RABBITMQ, AmqpBrokerFixture.requestedMode("rabbitmq", "embedded"));
        assertEquals(Mode.RABBITMQ, AmqpBrokerFixture.requestedMode(null, "rabbitmq"));
        assertEquals(Mode.AUTO, AmqpBrokerFixture.requestedMode("auto", "embedded"));
    }

    @Test
    void rejectsAnUnknownModeNamingTheSwitch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AmqpBrokerFixture.requestedMode(null, "docker"));
        assertTrue(e.getMessage().contains(AmqpBrokerFixture.MODE_ENV + "=docker"), e.getMessage());
    }
}
