package org.vcsreplicator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * What a Pulse subscriber sees: an exclusive queue bound with {@code #} to both Pulse exchanges
 * (declared as the notifier declares them: topic, durable), every message printed and recorded as
 * it arrives.
 *
 * <p>Thread-safety: deliveries arrive on the AMQP client's thread; {@link #close()} from any
 * thread.
 */
final class NotificationWatch implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection connection;

  private NotificationWatch(Connection connection) {
    this.connection = connection;
  }

  /**
   * Binds the queue and starts consuming.
   *
   * @param repoUrlPrefix notifications about other repositories are ignored: a RabbitMQ may be
   *     shared with other sandboxes publishing to the same exchanges
   */
  static NotificationWatch start(AmqpServer amqp, List<String> exchanges, String repoUrlPrefix, Progress progress,
      Observations observations) throws IOException, TimeoutException {
    Connection c = amqp.connectionFactory().newConnection("vcsreplicator-sandbox-subscriber");
    try {
      Channel ch = c.createChannel();
      String queue = ch.queueDeclare("", false, true, true, null).getQueue();
      for (String exchange : exchanges) {
        ch.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true, false, null);
        ch.queueBind(queue, exchange, "#");
      }
      ch.basicConsume(queue, true, (tag, delivery) -> show(delivery, repoUrlPrefix, progress, observations), tag -> { });
      progress.say("pulse", "subscriber queue " + queue + " bound to " + String.join(" and ", exchanges)
          + " with routing key #");
      return new NotificationWatch(c);
    } catch (IOException | RuntimeException e) {
      c.abort();
      throw e;
    }
  }

  private static void show(Delivery d, String repoUrlPrefix, Progress progress, Observations observations) {
    String exchange = d.getEnvelope().getExchange();
    String key = d.getEnvelope().getRoutingKey();
    JsonNode body;
    try {
      body = JSON.readTree(d.getBody());
    } catch (IOException e) {
      progress.say("pulse", exchange + " key " + key + ": a body that is not JSON (" + e.getMessage() + ")");
      return;
    }
    JsonNode payload = body.path("payload");
    // exchange2 carries {"type", "data"}; the v1 exchange carries changegroup data without a type.
    String type = payload.has("type") ? payload.path("type").asText() : "changegroup.1 (v1)";
    JsonNode data = payload.has("data") ? payload.path("data") : payload;
    if (!data.path("repo_url").asText().startsWith(repoUrlPrefix)) {
      return; // another sandbox's
    }
    observations.notification(new Observations.Notification(exchange, key, type, data));
    progress.say("pulse", "received from " + exchange + " routing key '" + key + "': " + type);
    for (Map.Entry<String, JsonNode> f : data.properties()) {
      progress.detail(f.getKey() + ": " + f.getValue());
    }
  }

  @Override
  public void close() {
    connection.abort(2_000);
  }
}
