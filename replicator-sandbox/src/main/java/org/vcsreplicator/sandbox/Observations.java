package org.vcsreplicator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.vcsreplicator.heads.ReplicatedData;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.WirePath;

/**
 * What the sandbox's watchers saw: records on the three topics, each mirror reaching a set of
 * heads, the heads files the heads consumers wrote, and notifications taken from the queue bound
 * to the Pulse exchanges. The demo waits on it for its expectations.
 *
 * <p>Thread-safe: watchers add from their threads; {@link #await} blocks until a condition over
 * the observations holds (woken by every addition, never by polling).
 */
final class Observations {

  /** A record read from a topic. */
  record SeenEvent(String topic, int partition, long offset, Message message) {}

  /** A message taken from the queue bound to the Pulse exchanges. */
  record Notification(String exchange, String routingKey, String type, JsonNode data) {}

  private final List<SeenEvent> events = new ArrayList<>();
  private final List<Notification> notifications = new ArrayList<>();
  private final Map<String, Map<WirePath, Set<NodeId>>> mirrorHeads = new HashMap<>();
  private final Map<String, Map<WirePath, ReplicatedData>> headsFiles = new HashMap<>();

  synchronized void event(SeenEvent e) {
    events.add(e);
    notifyAll();
  }

  synchronized void notification(Notification n) {
    notifications.add(n);
    notifyAll();
  }

  synchronized void mirrorAt(String mirror, WirePath repo, Set<NodeId> heads) {
    mirrorHeads.computeIfAbsent(mirror, m -> new HashMap<>()).put(repo, Set.copyOf(heads));
    notifyAll();
  }

  synchronized void headsFile(String mirror, WirePath repo, ReplicatedData data) {
    headsFiles.computeIfAbsent(mirror, m -> new HashMap<>()).put(repo, data);
    notifyAll();
  }

  synchronized List<SeenEvent> events() {
    return List.copyOf(events);
  }

  synchronized List<Notification> notifications() {
    return List.copyOf(notifications);
  }

  /** The heads a mirror was last seen at for a repository. */
  synchronized Optional<Set<NodeId>> mirrorHeads(String mirror, WirePath repo) {
    return Optional.ofNullable(mirrorHeads.getOrDefault(mirror, Map.of()).get(repo));
  }

  /** The last heads file read from a mirror's copy of a repository. */
  synchronized Optional<ReplicatedData> headsFile(String mirror, WirePath repo) {
    return Optional.ofNullable(headsFiles.getOrDefault(mirror, Map.of()).get(repo));
  }

  /**
   * Waits until {@code condition} holds or {@code timeout} passes.
   *
   * @return whether it holds
   */
  synchronized boolean await(Predicate<Observations> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.test(this)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
