package org.vcsreplicator.pulse;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes JSON messages to topic exchanges of an AMQP 0-9-1 broker and returns only once the
 * broker has confirmed each one (publisher confirms).
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@link #publish} returns normally only after the broker ACKed that very message and did
 *       not return it; every other outcome (NACK, return, no confirm within
 *       {@link AmqpEndpoint#confirmTimeout()}, channel or connection closed, broker unreachable)
 *       throws an {@link AmqpPublishException}. Nothing fails silently.</li>
 *   <li>At most one message is unconfirmed at any time, so a return or NACK always belongs to the
 *       message in hand.</li>
 *   <li>The connection is opened lazily by the first publish and reopened by the first publish
 *       after it was lost; the client's own automatic recovery is off so that no message is ever
 *       re-sent behind the caller's back.</li>
 *   <li>Exchanges are declared as the original's kombu producer declared them: type topic,
 *       durable, not auto-delete. Each exchange is declared once per channel.</li>
 * </ol>
 *
 * <p>Messages are published like kombu's {@code Producer.publish(dict, serializer="json")}:
 * content type {@code application/json}, content encoding {@code utf-8}, delivery mode 2
 * (persistent), priority 0, not mandatory unless {@link Options#mandatory()} asks for it. (With
 * mandatory set, an unroutable message comes back as a return followed by an ACK on RabbitMQ, so
 * the return is checked explicitly; Qpid NACKs it and may send the NACK before the return.)
 *
 * <p>Thread-safety: all public methods are synchronized; concurrent publishers simply queue up.
 */
public final class AmqpPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AmqpPublisher.class);

    /** Connection name shown by the broker's management tools. */
    static final String CONNECTION_NAME = "vcsreplicator-pulse-notifier";

    static final String CONTENT_TYPE = "application/json";
    static final String CONTENT_ENCODING = "utf-8";
    static final int PERSISTENT = 2;

    // AMQP 0-9-1 reply codes that mean "your configuration is wrong", not "try again".
    private static final int NOT_FOUND = 404;
    private static final int ACCESS_REFUSED = 403;
    private static final int PRECONDITION_FAILED = 406;
    private static final int NOT_ALLOWED = 530;
    private static final int INVALID_PATH = 402;

    /**
     * How messages are published.
     *
     * @param declareExchanges declare each exchange (topic, durable) before the first publish to it,
     *     as the original does; when false, publishing to a missing exchange fails with a refusal
     * @param mandatory set the mandatory flag, so that a message no queue receives is a failure;
     *     the original does not (Pulse exchanges without consumers are normal)
     */
    public record Options(boolean declareExchanges, boolean mandatory) {
        /** What the original does: declare exchanges, not mandatory. */
        public static final Options DEFAULTS = new Options(true, false);
    }

    private final AmqpEndpoint endpoint;
    private final Options options;
    private final ConnectionFactory factory;

    private Connection connection;
    private Channel channel;
    // Returns on `channel`, written by the client's I/O thread. RabbitMQ sends a return before the
    // ACK of the same message, so it is here once the ACK is seen. Each channel has its own, so a
    // late return on a retired channel cannot be pinned on a later message.
    private AtomicReference<Return> channelReturns;
    private final Set<String> declaredExchanges = new HashSet<>();
    private boolean closed;

    /** A publisher with {@link Options#DEFAULTS}; connects on the first publish. */
    public AmqpPublisher(AmqpEndpoint endpoint) {
        this(endpoint, Options.DEFAULTS);
    }

    /** A publisher with the given options; connects on the first publish. */
    public AmqpPublisher(AmqpEndpoint endpoint, Options options) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.options = Objects.requireNonNull(options, "options");
        this.factory = connectionFactory(endpoint);
    }

    /**
     * Publishes a Pulse message (envelope included) and waits for the broker's confirm.
     *
     * @throws TransientAmqpPublishException the message may not have arrived; retry it later
     * @throws RefusedAmqpPublishException the broker refuses it for a configuration reason
     * @throws InterruptedException interrupted while waiting; the message may or may not have arrived
     */
    public void publish(PulseMessage message) throws AmqpPublishException, InterruptedException {
        publish(message.exchange(), message.routingKey(), message.toJsonBytes());
    }

    /**
     * Publishes a UTF-8 JSON body to a topic exchange and waits for the broker's confirm.
     *
     * @param exchange exchange name, never null
     * @param routingKey routing key, never null
     * @param jsonBody UTF-8 JSON, never null
     * @throws TransientAmqpPublishException the message may not have arrived; retry it later
     * @throws RefusedAmqpPublishException the broker refuses it for a configuration reason
     * @throws InterruptedException interrupted while waiting; the message may or may not have arrived
     * @throws IllegalStateException the publisher was closed
     */
    public synchronized void publish(String exchange, String routingKey, byte[] jsonBody)
            throws AmqpPublishException, InterruptedException {
        Objects.requireNonNull(exchange, "exchange");
        Objects.requireNonNull(routingKey, "routingKey");
        Objects.requireNonNull(jsonBody, "jsonBody");
        if (closed) {
            throw new IllegalStateException("AMQP publisher for " + endpoint.address() + " is closed");
        }
        long start = System.nanoTime();
        boolean acked;
        AtomicReference<Return> returns;
        try {
            Channel ch = openChannel();
            returns = channelReturns;
            if (options.declareExchanges() && !declaredExchanges.contains(exchange)) {
                ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null);
                declaredExchanges.add(exchange);
            }
            returns.set(null);
            ch.basicPublish(exchange, routingKey, options.mandatory(), properties(), jsonBody);
            acked = ch.waitForConfirms(endpoint.confirmTimeout().toMillis());
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            AmqpPublishException failure = classify(e, exchange, routingKey);
            if (channel != null && !channel.isOpen() && connection != null && connection.isOpen()) {
                // The broker closed only the channel (a refusal such as 404): keep the connection.
                forgetChannel();
            } else {
                // Anything else (no confirm in time, I/O error, connection gone) may have left the
                // connection wedged or holding an unconfirmed message: start afresh next time.
                dropConnection();
            }
            throw failure;
        } catch (InterruptedException e) {
            dropConnection();
            throw e;
        }

        Return returned = returns.getAndSet(null);
        if (returned != null) {
            // RabbitMQ ACKs a returned mandatory message: the return decides.
            throw new TransientAmqpPublishException(
                    "AMQP broker " + endpoint.address() + " returned message to " + describe(exchange, routingKey)
                            + " as unroutable (" + returned.getReplyCode() + " " + returned.getReplyText()
                            + "): no queue is bound for it",
                    exchange, routingKey, null);
        }
        if (!acked) {
            // A return for this message may still be on its way (Qpid NACKs first): retire the
            // channel so that it cannot be taken for a return of the next message.
            retireChannel();
            throw new TransientAmqpPublishException(
                    "AMQP broker " + endpoint.address() + " NACKed message to " + describe(exchange, routingKey)
                            + (options.mandatory() ? " (rejected, or unroutable with mandatory set)" : " (rejected)"),
                    exchange, routingKey, null);
        }
        if (log.isDebugEnabled()) {
            log.debug("published message to {} ({} bytes), confirmed in {} ms",
                    describe(exchange, routingKey), jsonBody.length, (System.nanoTime() - start) / 1_000_000);
        }
    }

    /** @return whether a connection is open right now (it is opened by the first publish) */
    public synchronized boolean isConnected() {
        return connection != null && connection.isOpen();
    }

    /** Closes the connection, if any. Later publishes throw {@link IllegalStateException}. */
    @Override
    public synchronized void close() {
        closed = true;
        dropConnection();
    }

    // visible for testing: lets a test cut the connection from under the publisher
    synchronized Connection currentConnection() {
        return connection;
    }

    private Channel openChannel() throws IOException, TimeoutException {
        if (connection == null || !connection.isOpen()) {
            dropConnection();
            log.info("connecting to AMQP broker at {} vhost={} as {} (ssl={})",
                    endpoint.address(), endpoint.virtualHost(), endpoint.user(), endpoint.ssl());
            Connection fresh = factory.newConnection(CONNECTION_NAME);
            fresh.addShutdownListener(cause -> {
                if (!cause.isInitiatedByApplication()) {
                    log.warn("AMQP connection to {} lost: {}", endpoint.address(), cause.getMessage());
                }
            });
            connection = fresh;
        }
        if (channel == null || !channel.isOpen()) {
            forgetChannel();
            Channel fresh = connection.createChannel();
            if (fresh == null) {
                throw new IOException("AMQP broker " + endpoint.address() + " has no free channel");
            }
            AtomicReference<Return> returns = new AtomicReference<>();
            fresh.addReturnListener(returns::set);
            fresh.confirmSelect();
            channel = fresh;
            channelReturns = returns;
            declaredExchanges.clear();
        }
        return channel;
    }

    private void forgetChannel() {
        channel = null;
        channelReturns = null;
        declaredExchanges.clear();
    }

    // Only for a channel on a broker that is answering (it just NACKed): closing waits for close-ok.
    private void retireChannel() {
        Channel old = channel;
        forgetChannel();
        if (old != null && old.isOpen()) {
            try {
                old.abort();
            } catch (IOException | RuntimeException e) {
                log.debug("ignoring failure to close AMQP channel", e);
            }
        }
    }

    private void dropConnection() {
        // The channel is not closed on its own: closing a channel waits up to 10 s (hard-wired in
        // the client) for a broker that may be the reason we are here. Closing the connection
        // closes its channels.
        forgetChannel();
        Connection old = connection;
        connection = null;
        if (old != null && old.isOpen()) {
            // abort: never throws, and waits at most this long for the broker's close-ok.
            old.abort(closeWaitMillis());
        }
    }

    private int closeWaitMillis() {
        return (int) Math.min(1_000, endpoint.confirmTimeout().toMillis());
    }

    private static AMQP.BasicProperties properties() {
        return new AMQP.BasicProperties.Builder()
                .contentType(CONTENT_TYPE)
                .contentEncoding(CONTENT_ENCODING)
                .deliveryMode(PERSISTENT)
                .priority(0)
                .headers(Map.of())
                .build();
    }

    /** The one place where client failures become transient or refused (STYLE 5). */
    private AmqpPublishException classify(Exception e, String exchange, String routingKey) {
        String target = describe(exchange, routingKey);
        if (e instanceof PossibleAuthenticationFailureException) {
            return new RefusedAmqpPublishException(
                    "AMQP broker " + endpoint.address() + " refused login as " + endpoint.user()
                            + " (vhost " + endpoint.virtualHost() + "): " + e.getMessage(),
                    exchange, routingKey, e);
        }
        ShutdownSignalException shutdown = findShutdown(e);
        if (shutdown != null && shutdown.getReason() instanceof AMQP.Channel.Close close) {
            return byReplyCode(close.getReplyCode(), close.getReplyText(), "channel", target, exchange, routingKey, e);
        }
        if (shutdown != null && shutdown.getReason() instanceof AMQP.Connection.Close close) {
            return byReplyCode(close.getReplyCode(), close.getReplyText(), "connection", target, exchange, routingKey, e);
        }
        if (e instanceof TimeoutException && connection != null && connection.isOpen()) {
            return new TransientAmqpPublishException(
                    "no answer from AMQP broker " + endpoint.address() + " within " + endpoint.confirmTimeout()
                            + " while publishing to " + target,
                    exchange, routingKey, e);
        }
        return new TransientAmqpPublishException(
                "cannot publish to " + target + " on AMQP broker " + endpoint.address() + ": " + describe(e),
                exchange, routingKey, e);
    }

    private AmqpPublishException byReplyCode(int code, String text, String scope, String target,
            String exchange, String routingKey, Exception cause) {
        String message = "AMQP broker " + endpoint.address() + " closed the " + scope + " while publishing to "
                + target + ": " + code + " " + text;
        if (code == NOT_FOUND || code == ACCESS_REFUSED || code == PRECONDITION_FAILED
                || code == NOT_ALLOWED || code == INVALID_PATH) {
            return new RefusedAmqpPublishException(message, exchange, routingKey, cause);
        }
        return new TransientAmqpPublishException(message, exchange, routingKey, cause);
    }

    private static ShutdownSignalException findShutdown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s) {
                return s;
            }
        }
        return null;
    }

    private static String describe(Throwable e) {
        String text = e.getMessage();
        return text == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + text;
    }

    private static String describe(String exchange, String routingKey) {
        return exchange + "#" + routingKey;
    }

    private static ConnectionFactory connectionFactory(AmqpEndpoint endpoint) {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(endpoint.host());
        f.setPort(endpoint.port());
        f.setUsername(endpoint.user());
        f.setPassword(endpoint.password());
        f.setVirtualHost(endpoint.virtualHost());
        int connectMillis = (int) endpoint.connectTimeout().toMillis();
        f.setConnectionTimeout(connectMillis);
        f.setHandshakeTimeout(connectMillis);
        // Without this an exchange declaration waits 10 minutes for a broker that stopped answering.
        f.setChannelRpcTimeout((int) endpoint.confirmTimeout().toMillis());
        // We reconnect ourselves on the next publish; automatic recovery would hide a lost message.
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        if (endpoint.ssl()) {
            try {
                f.useSslProtocol(SSLContext.getDefault());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM offers no default TLS context", e);
            }
            f.enableHostnameVerification();
        }
        return f;
    }

}
