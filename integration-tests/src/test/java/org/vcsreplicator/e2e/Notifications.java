package org.vcsreplicator.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vcsreplicator.pulse.AmqpBrokerFixture;

/**
 * What a Pulse consumer receives: a queue bound with {@code #} to the notifier's v2 exchange,
 * drained in arrival order. Thread-safe.
 */
final class Notifications {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One received message: {@code payload.type}, the repository URL, the heads and the routing key. */
  record Received(String type, String repoUrl, List<String> heads, String routingKey) {}

  private final AmqpBrokerFixture amqp;
  private final String queue;
  private final List<Received> received = new ArrayList<>();

  Notifications(AmqpBrokerFixture amqp, String queue) {
    this.amqp = amqp;
    this.queue = queue;
  }

  /** Takes every message waiting on the queue; returns everything received so far, in order. */
  synchronized List<Received> drain() {
    for (Optional<GetResponse> m = amqp.pollMessage(queue); m.isPresent(); m = amqp.pollMessage(queue)) {
      received.add(parse(m.get()));
    }
    return List.copyOf(received);
  }

  /** What was received so far per repository URL, each in arrival order. */
  Map<String, List<Received>> byRepo() {
    Map<String, List<Received>> out = new LinkedHashMap<>();
    for (Received r : drain()) {
      out.computeIfAbsent(r.repoUrl(), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static Received parse(GetResponse message) {
    try {
      JsonNode body = JSON.readTree(message.getBody());
      JsonNode payload = body.path("payload");
      JsonNode data = payload.path("data");
      List<String> heads = new ArrayList<>();
      data.path("heads").forEach(h -> heads.add(h.asText()));
      return new Received(payload.path("type").asText(), data.path("repo_url").asText(), List.copyOf(heads),
          message.getEnvelope().getRoutingKey());
    } catch (IOException e) {
      throw new UncheckedIOException("a notification that is not JSON", e);
    }
  }
}
