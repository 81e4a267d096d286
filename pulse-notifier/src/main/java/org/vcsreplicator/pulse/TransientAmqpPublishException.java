package org.vcsreplicator.pulse;

/**
 * Publishing failed for a reason that may go away by itself: retry the same message later.
 * Examples: broker unreachable, connection lost, NACK, confirm timeout, unroutable return.
 */
public final class TransientAmqpPublishException extends AmqpPublishException {

    TransientAmqpPublishException(String message, String exchange, String routingKey, Throwable cause) {
        super(message, exchange, routingKey, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
