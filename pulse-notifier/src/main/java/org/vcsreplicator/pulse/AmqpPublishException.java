package org.vcsreplicator.pulse;

/**
 * A message was not confirmed by the broker: the caller must treat it as not sent.
 *
 * <p>Two kinds, told apart by type (STYLE 5): {@link TransientAmqpPublishException} for what may
 * succeed on a later attempt (broker unreachable, connection lost, NACK, no confirm in time,
 * message returned as unroutable) and {@link RefusedAmqpPublishException} for what the broker
 * refuses as a matter of configuration (bad credentials, unknown virtual host, no permission,
 * exchange missing or declared with other properties), which needs an operator.
 */
public abstract sealed class AmqpPublishException extends Exception
        permits TransientAmqpPublishException, RefusedAmqpPublishException {

    private final String exchange;
    private final String routingKey;

    AmqpPublishException(String message, String exchange, String routingKey, Throwable cause) {
        super(message, cause);
        this.exchange = exchange;
        this.routingKey = routingKey;
    }

    /** @return the exchange the message was meant for, never null */
    public String exchange() {
        return exchange;
    }

    /** @return the routing key of the message, never null */
    public String routingKey() {
        return routingKey;
    }

    /** @return whether a later attempt with the same message may succeed without an operator */
    public abstract boolean isTransient();
}
