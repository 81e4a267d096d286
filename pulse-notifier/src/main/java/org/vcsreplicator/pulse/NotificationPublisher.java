package org.vcsreplicator.pulse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vcsreplicator.config.PulseSettings;

/**
 * Sends one {@link Notification} to Pulse: a {@code changegroup.1} first to the v1 {@code
 * exchange}, then every type to {@code exchange2}, each confirmed by the broker before the next.
 *
 * <p>The caller keeps a set of the exchanges that already confirmed this notification and passes
 * it to every attempt, so a retry after a failure on {@code exchange2} does not send the v1 copy
 * again. A crash between the two still sends it twice: delivery is at-least-once, and v2, which
 * is sent last, gets the fewest duplicates (the original's reasoning).
 *
 * <p>Not thread-safe (the confirmed set is the caller's); the {@link AmqpPublisher} is.
 */
public final class NotificationPublisher {

    // The original's logger name for the sending side.
    private static final Logger log = LoggerFactory.getLogger("vcsreplicator.pulsenotifier");

    private final AmqpPublisher amqp;
    private final String exchange;
    private final String exchange2;
    private final Clock clock;

    /**
     * @param amqp never null; not closed by this class
     * @param exchange the v1 exchange, never null
     * @param exchange2 the v2 exchange, never null
     * @param clock stamps {@code _meta.sent}, never null
     */
    public NotificationPublisher(AmqpPublisher amqp, String exchange, String exchange2, Clock clock) {
        this.amqp = Objects.requireNonNull(amqp, "amqp");
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.exchange2 = Objects.requireNonNull(exchange2, "exchange2");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A publisher for the exchanges of {@code [pulse]}. */
    public static NotificationPublisher from(AmqpPublisher amqp, PulseSettings pulse, Clock clock) {
        return new NotificationPublisher(amqp, pulse.exchange(), pulse.exchange2(), clock);
    }

    /**
     * Publishes to every exchange not yet in {@code confirmed}, adding each as the broker confirms.
     *
     * @param notification never null
     * @param confirmed exchanges that already confirmed this notification; updated; never null
     * @throws AmqpPublishException an exchange did not confirm; those before it are in {@code confirmed}
     * @throws InterruptedException interrupted while waiting for the broker
     */
    public void publish(Notification notification, Set<String> confirmed)
            throws AmqpPublishException, InterruptedException {
        if (confirmed.isEmpty()) {
            log.info("sending pulse notification for {}", notification.repoUrl());
        }
        Optional<? extends JsonNode> v1 = notification.v1Payload();
        if (v1.isPresent()) {
            send(exchange, notification.routingKey(), v1.get(), confirmed);
        }
        send(exchange2, notification.routingKey(), notification.v2Payload(), confirmed);
    }

    private void send(String to, String routingKey, JsonNode payload, Set<String> confirmed)
            throws AmqpPublishException, InterruptedException {
        if (confirmed.contains(to)) {
            return;
        }
        log.info("publishing message to {}#{}", to, routingKey);
        if (log.isDebugEnabled()) {
            log.debug("payload: {}", payload);
        }
        amqp.publish(PulseMessage.create(to, routingKey, payload, clock));
        confirmed.add(to);
    }

    /** @return the v1 exchange, never null */
    public String exchange() {
        return exchange;
    }

    /** @return the v2 exchange, never null */
    public String exchange2() {
        return exchange2;
    }
}
