package org.vcsreplicator.message;

import java.util.Objects;

/** Where a record sits in the log. Every log line and error about a record carries it. */
public record RecordCoordinates(String topic, int partition, long offset) {
  public RecordCoordinates {
    Objects.requireNonNull(topic, "topic");
  }

  @Override
  public String toString() {
    return "topic=" + topic + " partition=" + partition + " offset=" + offset;
  }
}
