package org.vcsreplicator.pulse;

/**
 * The broker refused the connection or the publish in a way that points at configuration:
 * authentication failed, unknown virtual host, access refused, exchange not found or declared
 * with other properties. Retrying without an operator's change will fail the same way.
 */
public final class RefusedAmqpPublishException extends AmqpPublishException {

    RefusedAmqpPublishException(String message, String exchange, String routingKey, Throwable cause) {
        super(message, exchange, routingKey, cause);
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
