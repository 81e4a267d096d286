package org.vcsreplicator.consumer;

import org.vcsreplicator.message.Event;

/**
 * Applies one decoded event and says how it went; knows nothing of Kafka. {@link EventApplier} is
 * the mirror's; the heads consumer will bring its own.
 */
@FunctionalInterface
public interface EventHandler {
  /**
   * @param event never null
   * @return never null
   */
  Outcome apply(Event event);
}
