package org.vcsreplicator.offsets;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** Builds {@link LagReading}s for tests: a topic of N partitions where most are in sync. */
final class Readings {
  static final String TOPIC = "pushdata";
  static final String GROUP = "hgweb0";

  private final List<LagReading> readings = new ArrayList<>();

  private Readings(int partitions) {
    for (int p = 0; p < partitions; p++) {
      readings.add(new LagReading(TOPIC, GROUP, p, 0, 0, OptionalDouble.of(0.0)));
    }
  }

  /** {@code partitions} partitions, all empty and in sync. */
  static Readings empty(int partitions) {
    return new Readings(partitions);
  }

  /** Partition {@code p} in sync at {@code offset}. */
  Readings inSync(int p, long offset) {
    readings.set(p, new LagReading(TOPIC, GROUP, p, offset, offset, OptionalDouble.of(0.0)));
    return this;
  }

  /** Partition {@code p} at {@code offset} of {@code available}, oldest unapplied {@code seconds} old. */
  Readings behind(int p, long offset, long available, double seconds) {
    readings.set(p, new LagReading(TOPIC, GROUP, p, offset, available, OptionalDouble.of(seconds)));
    return this;
  }

  /** Partition {@code p} behind, with an oldest unapplied record that could not be read. */
  Readings unreadable(int p, long offset, long available) {
    readings.set(p, new LagReading(TOPIC, GROUP, p, offset, available, OptionalDouble.empty()));
    return this;
  }

  List<LagReading> build() {
    return List.copyOf(readings);
  }

  static LagReading reading(String group, int p, long offset, long available, double seconds) {
    return new LagReading(TOPIC, group, p, offset, available, OptionalDouble.of(seconds));
  }

  static LagReading unreadableReading(String group, int p, long offset, long available) {
    return new LagReading(TOPIC, group, p, offset, available, OptionalDouble.empty());
  }
}
