package org.vcsreplicator.skip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * One entry of the skip audit topic: an event an operator dropped with {@code --skip} (a <em>skip
 * record</em>), or the later re-application of such an event with {@code skipped replay} (a
 * <em>replay record</em>, which names the skip record it replays in {@link #replayOf()}).
 *
 * <p>Invariants:
 * <ol>
 *   <li>{@link #event()} is the skipped record's value byte for byte, whatever it holds (an
 *       undecodable record is recorded too: it is the usual reason to skip); null only when the
 *       record had no value at all.
 *   <li>A skip record's {@link #id()} is {@code GROUP:TOPIC:PARTITION:OFFSET} of the skipped
 *       event; a replay record's id is that id plus {@code :replayed:TIME}. The same event skipped
 *       twice (e.g. a commit that failed after the record was written, then a second {@code --skip})
 *       gives two records with the same id and the same event.
 *   <li>{@link #time()} has millisecond precision (what the JSON keeps).
 * </ol>
 *
 * <p>Immutable (the event array is copied in and out) and thread-safe. JSON: {@link SkipRecordCodec}.
 *
 * @param id see invariant 2; never blank
 * @param topic the topic the event was (and is) in; never blank
 * @param partition its partition, {@code >= 0}
 * @param offset its offset, {@code >= 0}
 * @param group the consumer group that skipped (or replayed) it; never blank
 * @param by host and person who ran the command; never null
 * @param time when; never null
 * @param reason the operator's {@code --reason}, or empty (runbooks written for the original give none)
 * @param key the record key as text (producers set it to the wire path), or empty
 * @param event the record value exactly as on the wire, or null for a record without value
 * @param replayOf for a replay record, the id of the skip record replayed; empty for a skip record
 */
public record SkipRecord(
    String id,
    String topic,
    int partition,
    long offset,
    String group,
    Actor by,
    Instant time,
    Optional<String> reason,
    Optional<String> key,
    byte[] event,
    Optional<String> replayOf) {

  /** What {@link #kind()} answers for an event whose header or JSON cannot be read. */
  public static final String UNDECODABLE = "undecodable";

  private static final String REPLAY_INFIX = ":replayed:";

  public SkipRecord {
    requireText(id, "id");
    requireText(topic, "topic");
    requireText(group, "group");
    if (partition < 0) {
      throw new IllegalArgumentException("partition must be >= 0, got " + partition);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0, got " + offset);
    }
    Objects.requireNonNull(by, "by");
    time = Objects.requireNonNull(time, "time").truncatedTo(ChronoUnit.MILLIS);
    reason = Objects.requireNonNull(reason, "reason").map(String::strip).filter(r -> !r.isEmpty());
    Objects.requireNonNull(key, "key");
    event = event == null ? null : event.clone();
    Objects.requireNonNull(replayOf, "replayOf");
  }

  private static void requireText(String value, String what) {
    Objects.requireNonNull(value, what);
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " is blank");
    }
  }

  /** {@code GROUP:TOPIC:PARTITION:OFFSET}, the id of the skip of that event by that group; never null. */
  public static String skipId(String group, RecordCoordinates at) {
    return group + ":" + at.topic() + ":" + at.partition() + ":" + at.offset();
  }

  /**
   * The record of skipping the event at {@code at}.
   *
   * @param key the record key, or null
   * @param value the record value, or null
   */
  public static SkipRecord skip(RecordCoordinates at, String group, byte[] key, byte[] value, Actor by, Instant time,
      Optional<String> reason) {
    return new SkipRecord(skipId(group, at), at.topic(), at.partition(), at.offset(), group, by, time, reason,
        Optional.ofNullable(key).map(k -> new String(k, StandardCharsets.UTF_8)), value, Optional.empty());
  }

  /**
   * The record of replaying {@code skipped} (a skip record): the same event and coordinates, with
   * who replayed it, when and why.
   *
   * @throws IllegalArgumentException when {@code skipped} is itself a replay record
   */
  public static SkipRecord replay(SkipRecord skipped, Actor by, Instant time, Optional<String> reason) {
    if (skipped.isReplay()) {
      throw new IllegalArgumentException(skipped.id() + " is a replay record, not a skip record");
    }
    Instant at = time.truncatedTo(ChronoUnit.MILLIS);
    return new SkipRecord(skipped.id() + REPLAY_INFIX + SkipRecordCodec.formatTime(at), skipped.topic(),
        skipped.partition(), skipped.offset(), skipped.group(), by, at, reason, skipped.key(), skipped.event,
        Optional.of(skipped.id()));
  }

  /** A copy of the recorded value; null when the record had none. */
  @Override
  public byte[] event() {
    return event == null ? null : event.clone();
  }

  /** True for a replay record. */
  public boolean isReplay() {
    return replayOf.isPresent();
  }

  /** Where the event is in the replication log; never null. */
  public RecordCoordinates at() {
    return new RecordCoordinates(topic, partition, offset);
  }

  /** The event as text when it is valid UTF-8 (a well-formed record always is); else empty. */
  public Optional<String> eventText() {
    if (event == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(event))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** The event's {@code name} ({@code hg-changegroup-2}, …), or {@link #UNDECODABLE}; never null. */
  public String kind() {
    return payload().map(p -> p.get("name")).filter(JsonNode::isTextual).map(JsonNode::textValue).orElse(UNDECODABLE);
  }

  /**
   * The repository the event is about: its {@code path}, or for an event that cannot be read, the
   * record key; empty for events without repository (heartbeats).
   */
  public Optional<String> repo() {
    Optional<ObjectNode> payload = payload();
    if (payload.isPresent()) {
      JsonNode path = payload.get().get("path");
      return path != null && path.isTextual() ? Optional.of(path.textValue()) : Optional.empty();
    }
    return key;
  }

  /**
   * The event decoded, for replaying it.
   *
   * @throws UndecodableRecordException when it is not an event this version can apply
   */
  public Message decode() throws UndecodableRecordException {
    return WireCodec.decode(event, at());
  }

  private Optional<ObjectNode> payload() {
    try {
      return Optional.of(WireCodec.decodeJson(event));
    } catch (UndecodableRecordException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SkipRecord r && id.equals(r.id) && topic.equals(r.topic) && partition == r.partition
        && offset == r.offset && group.equals(r.group) && by.equals(r.by) && time.equals(r.time)
        && reason.equals(r.reason) && key.equals(r.key) && Arrays.equals(event, r.event) && replayOf.equals(r.replayOf);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, topic, partition, offset, group, by, time, reason, key, replayOf) * 31 + Arrays.hashCode(event);
  }

  @Override
  public String toString() {
    // Never the event itself: it may hold a whole hgrc (STYLE §8); the dump is for payloads.
    return "SkipRecord[id=" + id + ", kind=" + kind() + ", repo=" + repo().orElse("-") + ", by=" + by.user() + "@"
        + by.host() + ", time=" + SkipRecordCodec.formatTime(time) + ", reason=" + reason.orElse("-")
        + replayOf.map(r -> ", replayOf=" + r).orElse("") + "]";
  }
}
