package org.vcsreplicator.producer;

/** Decides one hook call. Implementations are thread-safe: calls for different repos run concurrently. */
@FunctionalInterface
public interface HookHandler {

  /** Never null; never throws for an expected condition (log down, repo not replicated). */
  HookReply handle(HookRequest request);
}
