package org.vcsreplicator.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One record's payload: the typed {@link Event}, the {@code _created} stamp the producer adds, and
 * every other field the record carried ({@code _original_created}, {@code _original_partition}
 * added by the aggregator, and fields this version does not know). Keeping the extra fields is
 * what lets a re-published record lose nothing.
 *
 * <p>Immutable; the {@code with…} methods return copies.
 */
public record Message(Event event, OptionalDouble created, SortedMap<String, JsonNode> extraFields) {

  public static final String CREATED = "_created";
  public static final String ORIGINAL_CREATED = "_original_created";
  public static final String ORIGINAL_PARTITION = "_original_partition";

  public Message {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(created, "created");
    extraFields = Collections.unmodifiableSortedMap(new TreeMap<>(extraFields));
    if (extraFields.containsKey("name") || extraFields.containsKey(CREATED)) {
      throw new IllegalArgumentException("extra fields may not hold 'name' or '_created'");
    }
  }

  /** A message for a new event, not yet stamped. */
  public static Message of(Event event) {
    return new Message(event, OptionalDouble.empty(), new TreeMap<>());
  }

  public Message withCreated(double secondsSinceEpoch) {
    return new Message(event, OptionalDouble.of(secondsSinceEpoch), extraFields);
  }

  /** A copy with one extra field set (replacing any with that name). */
  public Message withExtraField(String name, JsonNode value) {
    SortedMap<String, JsonNode> copy = new TreeMap<>(extraFields);
    copy.put(name, Objects.requireNonNull(value, "value"));
    return new Message(event, created, copy);
  }

  public Message withExtraField(String name, double value) {
    return withExtraField(name, JsonNodeFactory.instance.numberNode(value));
  }

  public Message withExtraField(String name, int value) {
    return withExtraField(name, JsonNodeFactory.instance.numberNode(value));
  }

  /** {@code _original_created}, set by the aggregator: the source record's {@code _created}. */
  public OptionalDouble originalCreated() {
    JsonNode n = extraFields.get(ORIGINAL_CREATED);
    return n != null && n.isNumber() ? OptionalDouble.of(n.doubleValue()) : OptionalDouble.empty();
  }

  /** {@code _original_partition}, set by the aggregator: the partition the record was copied from. */
  public OptionalInt originalPartition() {
    JsonNode n = extraFields.get(ORIGINAL_PARTITION);
    return n != null && n.canConvertToInt() && n.isIntegralNumber() ? OptionalInt.of(n.intValue()) : OptionalInt.empty();
  }

  /** Read-only view of the extra fields, sorted by name. */
  public Map<String, JsonNode> extras() {
    return extraFields;
  }
}
