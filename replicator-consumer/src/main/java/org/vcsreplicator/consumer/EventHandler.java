package org.vcsreplicator.consumer;

import org.vcsreplicator.message.Event;

/**
 * Applies one decoded event and says how it went; knows nothing of Kafka. {@link EventApplier} is
 * the mirror's, {@link HeadsApplier} the heads consumer's.
 */
@FunctionalInterface
public interface EventHandler {
  /**
   * @param event never null
   * @return never null
   */
  Outcome apply(Event event);
}
