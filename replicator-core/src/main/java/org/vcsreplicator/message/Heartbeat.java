package org.vcsreplicator.message;

/** {@code heartbeat-1}: proves the log is writable; consumers do nothing with it. */
public record Heartbeat() implements Event {
  @Override
  public EventKind kind() {
    return EventKind.HEARTBEAT;
  }
}
