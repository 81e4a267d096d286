package org.vcsreplicator.pulse;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach an AMQP 0-9-1 broker (Pulse in production), and how long to wait for it.
 *
 * <p>The fields mirror the original's {@code [pulse]} keys {@code hostname}, {@code port},
 * {@code userid}, {@code password}, {@code virtual_host}, {@code ssl} and {@code connect_timeout};
 * {@code confirmTimeout} is new: the original published without publisher confirms.
 *
 * <p>Immutable and thread-safe. {@link #toString()} hides the password.
 *
 * @param host broker host name, never null or blank
 * @param port broker TCP port, 1..65535
 * @param user user name, never null
 * @param password password, never null; never logged
 * @param virtualHost virtual host, never null (Pulse uses {@code /})
 * @param ssl whether to speak TLS; the server certificate and host name are verified against the
 *     JVM's default trust store
 * @param connectTimeout limit for the TCP connect and for the AMQP handshake, positive
 * @param confirmTimeout limit for the broker's answer to a publish (its confirm) and to any other
 *     request made while publishing (exchange declaration), positive
 */
public record AmqpEndpoint(
        String host,
        int port,
        String user,
        String password,
        String virtualHost,
        boolean ssl,
        Duration connectTimeout,
        Duration confirmTimeout) {

    /** The default connect timeout: the original's deployed {@code connect_timeout = 5}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** The default time to wait for a publisher confirm. */
    public static final Duration DEFAULT_CONFIRM_TIMEOUT = Duration.ofSeconds(30);

    public AmqpEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(virtualHost, "virtualHost");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(confirmTimeout, "confirmTimeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("AMQP host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("AMQP port must be in 1..65535, got " + port);
        }
        requirePositiveMillis("connectTimeout", connectTimeout);
        requirePositiveMillis("confirmTimeout", confirmTimeout);
    }

    /**
     * A plain-TCP endpoint with the default timeouts.
     *
     * @return never null
     */
    public static AmqpEndpoint of(String host, int port, String user, String password, String virtualHost) {
        return new AmqpEndpoint(host, port, user, password, virtualHost, false,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_CONFIRM_TIMEOUT);
    }

    /** @return a copy with other timeouts, never null */
    public AmqpEndpoint withTimeouts(Duration newConnectTimeout, Duration newConfirmTimeout) {
        return new AmqpEndpoint(host, port, user, password, virtualHost, ssl, newConnectTimeout, newConfirmTimeout);
    }

    /** @return a copy pointing at another host and port, never null */
    public AmqpEndpoint withAddress(String newHost, int newPort) {
        return new AmqpEndpoint(newHost, newPort, user, password, virtualHost, ssl, connectTimeout, confirmTimeout);
    }

    /** @return {@code host:port}, for log lines, never null */
    public String address() {
        return host + ":" + port;
    }

    @Override
    public String toString() {
        return "AmqpEndpoint[host=" + host + ", port=" + port + ", user=" + user + ", password=(hidden)"
                + ", virtualHost=" + virtualHost + ", ssl=" + ssl + ", connectTimeout=" + connectTimeout
                + ", confirmTimeout=" + confirmTimeout + "]";
    }

    private static void requirePositiveMillis(String name, Duration value) {
        // The AMQP client takes int milliseconds: reject what it cannot represent.
        if (value.isNegative() || value.isZero() || value.toMillis() < 1 || value.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "AMQP " + name + " must be between 1 ms and " + Integer.MAX_VALUE + " ms, got " + value);
        }
    }
}
