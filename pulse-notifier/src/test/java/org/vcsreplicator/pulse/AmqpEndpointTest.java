package org.vcsreplicator.pulse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class AmqpEndpointTest {

    @Test
    void toStringHidesThePassword() {
        AmqpEndpoint endpoint = AmqpEndpoint.of("pulse.example", 5671, "hgpushes", "s3cret-value", "/");
        assertFalse(endpoint.toString().contains("s3cret-value"), endpoint.toString());
        assertTrue(endpoint.toString().contains("password=(hidden)"), endpoint.toString());
    }

    @Test
    void defaultsToPlainTcpAndTheOriginalsConnectTimeout() {
        AmqpEndpoint endpoint = AmqpEndpoint.of("h", 5672, "u", "p", "/");
        assertFalse(endpoint.ssl());
        assertEquals(Duration.ofSeconds(5), endpoint.connectTimeout());
        assertEquals("h:5672", endpoint.address());
    }

    @Test
    void rejectsValuesTheClientCannotUse() {
        assertThrows(IllegalArgumentException.class, () -> AmqpEndpoint.of(" ", 5672, "u", "p", "/"));
        assertThrows(IllegalArgumentException.class, () -> AmqpEndpoint.of("h", 0, "u", "p", "/"));
        assertThrows(IllegalArgumentException.class, () -> AmqpEndpoint.of("h", 65536, "u", "p", "/"));
        AmqpEndpoint ok = AmqpEndpoint.of("h", 5672, "u", "p", "/");
        assertThrows(IllegalArgumentException.class, () -> ok.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> ok.withTimeouts(Duration.ofSeconds(1), Duration.ofNanos(10)));
        assertThrows(NullPointerException.class, () -> AmqpEndpoint.of("h", 5672, null, "p", "/"));
    }
}
