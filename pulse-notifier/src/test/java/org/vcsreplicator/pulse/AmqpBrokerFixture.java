package org.vcsreplicator.pulse;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real AMQP 0-9-1 broker for tests: the RabbitMQ on {@code 127.0.0.1:5672} (guest/guest, vhost
 * {@code /}) when one answers, otherwise an Apache Qpid Broker-J started inside the test JVM.
 *
 * <p>Use it as a class-level JUnit 5 extension (one broker per test class):
 * <pre>{@code
 * @RegisterExtension
 * static final AmqpBrokerFixture broker = new AmqpBrokerFixture();
 * }</pre>
 * or as a resource: {@code try (var broker = new AmqpBrokerFixture().start()) { ... }}.
 *
 * <p>Which broker: the system property {@value #MODE_PROPERTY} or else the environment variable
 * {@value #MODE_ENV} says {@code auto} (the default: RabbitMQ if it answers, else embedded),
 * {@code embedded} (never touch an outside broker) or {@code rabbitmq} (fail if it does not
 * answer). A fixture built with an explicit {@link Mode} overrides that, except that
 * {@code Mode.RABBITMQ} is skipped (test aborted) when no RabbitMQ answers or when
 * {@code embedded} is forced.
 *
 * <p>The RabbitMQ is shared with whoever else uses it: name every exchange and queue with
 * {@link #uniqueName(String)}; the fixture deletes those exchanges when it closes. Queues from
 * {@link #bindQueue(String, String)} are exclusive to the fixture's connection and vanish with it.
 *
 * <p>Thread-safe after {@link #start()}.
 */
public final class AmqpBrokerFixture implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmqpBrokerFixture.class);

    /** System property choosing the broker: {@code auto}, {@code embedded} or {@code rabbitmq}. */
    public static final String MODE_PROPERTY = "vcsreplicator.test.amqp";
    /** Environment variable with the same meaning, read when the property is not set. */
    public static final String MODE_ENV = "VCSREPLICATOR_TEST_AMQP";

    static final String RABBITMQ_HOST = "127.0.0.1";
    static final int RABBITMQ_PORT = 5672;
    static final String RABBITMQ_USER = "guest";
    static final String RABBITMQ_PASSWORD = "guest";
    static final String VIRTUAL_HOST = "/";

    /** Which broker to use. */
    public enum Mode {
        /** RabbitMQ if it answers on 127.0.0.1:5672, else an embedded Qpid. */
        AUTO,
        /** The RabbitMQ on 127.0.0.1:5672. */
        RABBITMQ,
        /** An embedded Qpid Broker-J, never an outside broker. */
        EMBEDDED
    }

    /** Which broker is running. */
    public enum Kind { RABBITMQ, EMBEDDED_QPID }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Mode explicitMode;
    private final int rabbitMqPort;
    private final Set<String> exchangesToDelete = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();

    private volatile Kind kind;
    private volatile EmbeddedQpidBroker embedded;
    private volatile Connection admin;
    private volatile int port;

    /** A fixture choosing its broker from {@value #MODE_PROPERTY} / {@value #MODE_ENV}. */
    public AmqpBrokerFixture() {
        this(null, RABBITMQ_PORT);
    }

    /** A fixture for the given mode (see the class comment for how it meets the switch). */
    public AmqpBrokerFixture(Mode mode) {
        this(mode, RABBITMQ_PORT);
    }

    // visible for testing: look for RabbitMQ on another port (a closed one shows the fallback)
    AmqpBrokerFixture(Mode mode, int rabbitMqPort) {
        this.explicitMode = mode;
        this.rabbitMqPort = rabbitMqPort;
    }

    /**
     * Connects to RabbitMQ or starts the embedded broker. Calling it again does nothing.
     *
     * @return this
     */
    public synchronized AmqpBrokerFixture start() {
        if (kind != null) {
            return this;
        }
        Mode configured = requestedMode(System.getProperty(MODE_PROPERTY), System.getenv(MODE_ENV));
        Mode wanted = explicitMode == null || explicitMode == Mode.AUTO ? configured : explicitMode;
        try {
            if (wanted == Mode.RABBITMQ && configured == Mode.EMBEDDED) {
                skip("needs RabbitMQ, but " + MODE_ENV + "/" + MODE_PROPERTY + " forces the embedded broker");
            }
            if (wanted != Mode.EMBEDDED) {
                Optional<Connection> rabbit = connectToRabbitMq();
                if (rabbit.isPresent()) {
                    useRabbitMq(rabbit.get());
                    return this;
                }
                String missing = "no RabbitMQ answers on " + RABBITMQ_HOST + ":" + rabbitMqPort + " as " + RABBITMQ_USER;
                if (explicitMode == Mode.RABBITMQ) {
                    skip(missing);
                }
                if (wanted == Mode.RABBITMQ) {
                    throw new IllegalStateException(missing + ", but " + MODE_ENV + "/" + MODE_PROPERTY + " asks for it");
                }
                log.info("{}; starting an embedded Qpid broker", missing);
            }
            startEmbedded();
            return this;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot start AMQP test broker", e);
        }
    }

    // Aborted class-level set-up shows as "Tests run: 0" in Maven's summary: say why here.
    private static void skip(String reason) {
        log.info("skipping tests that need RabbitMQ: {}", reason);
        Assumptions.abort(reason);
    }

    /** Parses the mode switch; the property wins over the environment; unset means AUTO. */
    static Mode requestedMode(String property, String env) {
        String value = property != null && !property.isBlank() ? property : env;
        String source = property != null && !property.isBlank() ? MODE_PROPERTY : MODE_ENV;
        if (value == null || value.isBlank()) {
            return Mode.AUTO;
        }
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "auto":
                return Mode.AUTO;
            case "embedded":
            case "qpid":
                return Mode.EMBEDDED;
            case "rabbitmq":
            case "external":
                return Mode.RABBITMQ;
            default:
                throw new IllegalArgumentException(
                        source + "=" + value + " is not one of auto, embedded, rabbitmq");
        }
    }

    private Optional<Connection> connectToRabbitMq() {
        ConnectionFactory f = factory(RABBITMQ_HOST, rabbitMqPort, RABBITMQ_USER, RABBITMQ_PASSWORD);
        f.setConnectionTimeout(1_000);
        f.setHandshakeTimeout(3_000);
        try {
            return Optional.of(f.newConnection("vcsreplicator-test-fixture"));
        } catch (IOException | TimeoutException e) {
            log.debug("RabbitMQ probe failed", e);
            return Optional.empty();
        }
    }

    private void useRabbitMq(Connection connection) {
        admin = connection;
        port = rabbitMqPort;
        kind = Kind.RABBITMQ;
        log.info("AMQP test broker: RabbitMQ at {}:{}", RABBITMQ_HOST, rabbitMqPort);
    }

    private void startEmbedded() throws IOException {
        long begin = System.nanoTime();
        try {
            embedded = EmbeddedQpidBroker.start();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start embedded Qpid broker", e);
        }
        port = embedded.port();
        kind = Kind.EMBEDDED_QPID;
        try {
            admin = factory(RABBITMQ_HOST, port, EmbeddedQpidBroker.USER, EmbeddedQpidBroker.PASSWORD)
                    .newConnection("vcsreplicator-test-fixture");
        } catch (TimeoutException e) {
            throw new IOException("embedded Qpid broker did not answer the handshake", e);
        }
        log.info("AMQP test broker: embedded Qpid at {}:{} (started in {} ms)",
                RABBITMQ_HOST, port, (System.nanoTime() - begin) / 1_000_000);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** @return which broker runs; only after {@link #start()} */
    public Kind kind() {
        return requireStarted(kind);
    }

    /** @return the broker's host, never null */
    public String host() {
        return RABBITMQ_HOST;
    }

    /** @return the broker's AMQP port */
    public int port() {
        requireStarted(kind);
        return port;
    }

    /** @return the user name, never null */
    public String user() {
        return kind() == Kind.RABBITMQ ? RABBITMQ_USER : EmbeddedQpidBroker.USER;
    }

    /** @return the password, never null */
    public String password() {
        return kind() == Kind.RABBITMQ ? RABBITMQ_PASSWORD : EmbeddedQpidBroker.PASSWORD;
    }

    /** @return the virtual host, {@code /} on both brokers */
    public String virtualHost() {
        return VIRTUAL_HOST;
    }

    /**
     * The broker as an {@link AmqpEndpoint} with short timeouts (connect 2 s, confirm 5 s).
     *
     * @return never null
     */
    public AmqpEndpoint endpoint() {
        return new AmqpEndpoint(host(), port(), user(), password(), virtualHost(), false,
                Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    /**
     * A name no other test uses, e.g. {@code exchange/hgpushes/v2-1a2b3c4d-7}. It is deleted as an
     * exchange when the fixture closes (harmless if it never was one).
     *
     * @return never null
     */
    public String uniqueName(String prefix) {
        String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "-" + SEQUENCE.incrementAndGet();
        exchangesToDelete.add(name);
        return name;
    }

    /**
     * A new connection to the broker, closed by the fixture at the latest when it closes.
     *
     * @return never null
     */
    public Connection newConnection() {
        try {
            Connection c = factory(host(), port(), user(), password()).newConnection("vcsreplicator-test");
            closeables.add(c);
            return c;
        } catch (IOException | TimeoutException e) {
            throw new IllegalStateException("cannot connect to AMQP test broker at " + host() + ":" + port(), e);
        }
    }

    /**
     * A relay in front of the broker, for breaking the network under a client; closed with the
     * fixture. Point a client at {@code endpoint().withAddress(relay.host(), relay.port())}.
     *
     * @return never null
     */
    public TcpRelay newRelay() {
        TcpRelay relay = new TcpRelay(host(), port());
        closeables.add(relay);
        return relay;
    }

    /**
     * Declares {@code exchange} as the publisher does (topic, durable) and binds a new exclusive
     * queue to it with {@code bindingKey} ({@code #} for everything). The queue lives as long as
     * the fixture's own connection: a broker error that closes it (Qpid closes the connection on
     * an exchange declaration conflict) drops the queue too.
     *
     * @return the queue's name, never null
     */
    public String bindQueue(String exchange, String bindingKey) {
        return bindQueue(exchange, bindingKey, Map.of());
    }

    /**
     * Like {@link #bindQueue(String, String)}, with queue arguments such as
     * {@code x-max-length} and {@code x-overflow}.
     *
     * @return the queue's name, never null
     */
    public String bindQueue(String exchange, String bindingKey, Map<String, Object> queueArguments) {
        String queue = uniqueName("queue");
        withChannel(ch -> {
            ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null);
            exchangesToDelete.add(exchange);
            ch.queueDeclare(queue, false, true, true, queueArguments);
            ch.queueBind(queue, exchange, bindingKey);
            return null;
        });
        return queue;
    }

    /**
     * Declares an exchange of another type, to provoke a declaration conflict.
     */
    public void declareExchange(String exchange, BuiltinExchangeType type, boolean durable) {
        withChannel(ch -> {
            ch.exchangeDeclare(exchange, type, durable, false, null);
            exchangesToDelete.add(exchange);
            return null;
        });
    }

    /** @return whether the exchange exists (a passive declaration succeeds) */
    public boolean exchangeExists(String exchange) {
        try {
            withChannel(ch -> ch.exchangeDeclarePassive(exchange));
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /**
     * Takes the next message from a queue (auto-acknowledged), if one is there now.
     *
     * @return never null
     */
    public Optional<GetResponse> pollMessage(String queue) {
        return Optional.ofNullable(withChannel(ch -> ch.basicGet(queue, true)));
    }

    /**
     * Waits for the next message of a queue, polling until the deadline.
     *
     * @return the message, never null
     * @throws AssertionError if none arrives in time
     */
    public GetResponse awaitMessage(String queue, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<GetResponse> message = pollMessage(queue);
            if (message.isPresent()) {
                return message.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no message on queue " + queue + " within " + timeout);
            }
            LockSupport.parkNanos(2_000_000); // poll interval, not a wait for an outcome
        }
    }

    /**
     * Closes every client connection but the fixture's own from the broker's side. Only the
     * embedded broker can do this without disturbing other users of a shared RabbitMQ; on
     * RabbitMQ the calling test is skipped.
     */
    public void closeClientConnectionsFromBroker() {
        Assumptions.assumeTrue(kind() == Kind.EMBEDDED_QPID,
                "only the embedded broker can close client connections on its side");
        embedded.closeClientConnections(((com.rabbitmq.client.impl.NetworkConnection) admin()).getLocalPort());
    }

    @Override
    public synchronized void close() {
        List<Exception> failures = new ArrayList<>();
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // already closed by the test: fine
            }
        }
        closeables.clear();
        Connection a = admin;
        if (a != null && a.isOpen()) {
            if (kind == Kind.RABBITMQ) {
                for (String exchange : exchangesToDelete) {
                    try (Channel ch = a.createChannel()) {
                        ch.exchangeDelete(exchange);
                    } catch (IOException | TimeoutException | RuntimeException e) {
                        log.debug("cannot delete test exchange {}", exchange, e);
                    }
                }
            }
            a.abort(2_000);
        }
        exchangesToDelete.clear();
        admin = null;
        if (embedded != null) {
            try {
                embedded.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
            embedded = null;
        }
        kind = null;
        if (!failures.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cannot stop AMQP test broker cleanly");
            failures.forEach(e::addSuppressed);
            throw e;
        }
    }

    private interface ChannelWork<T> {
        T run(Channel channel) throws IOException;
    }

    // A fresh channel per call: a broker error closes the channel, and the next call must not care.
    private <T> T withChannel(ChannelWork<T> work) {
        try (Channel ch = admin().createChannel()) {
            return work.run(ch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("AMQP test broker did not close a channel in time", e);
        } catch (com.rabbitmq.client.AlreadyClosedException e) {
            // The channel was closed by a broker error inside the work: report that as I/O.
            throw new UncheckedIOException(new IOException(e.getMessage(), e));
        }
    }

    // Qpid answers some channel errors (a declaration conflict) by closing the whole connection.
    private synchronized Connection admin() {
        Connection a = admin;
        if (a == null) {
            throw new IllegalStateException("AMQP test broker not started");
        }
        if (!a.isOpen()) {
            try {
                a = factory(host(), port(), user(), password()).newConnection("vcsreplicator-test-fixture");
            } catch (IOException | TimeoutException e) {
                throw new IllegalStateException("cannot reconnect to AMQP test broker at " + host() + ":" + port(), e);
            }
            admin = a;
        }
        return a;
    }

    private static ConnectionFactory factory(String host, int port, String user, String password) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(host);
        f.setPort(port);
        f.setUsername(user);
        f.setPassword(password);
        f.setVirtualHost(VIRTUAL_HOST);
        f.setAutomaticRecoveryEnabled(false);
        f.setConnectionTimeout(2_000);
        f.setChannelRpcTimeout(10_000);
        return f;
    }

    private <T> T requireStarted(T value) {
        if (value == null) {
            throw new IllegalStateException("AMQP test broker not started: call start() or register the fixture");
        }
        return value;
    }
}
