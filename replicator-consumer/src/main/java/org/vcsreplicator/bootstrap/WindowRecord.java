package org.vcsreplicator.bootstrap;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.WirePath;

/**
 * One record of a bootstrap window, decoded: its event, or why it could not be decoded. Immutable.
 *
 * @param at where it is in the log, never null
 * @param key the record key as text (producers set it to the wire path), or empty
 * @param event the decoded event; empty for an undecodable record
 * @param problem why the record is undecodable; empty when {@code event} is present
 */
public record WindowRecord(RecordCoordinates at, Optional<String> key, Optional<Event> event, Optional<String> problem) {
  public WindowRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(problem, "problem");
    if (event.isPresent() == problem.isPresent()) {
      throw new IllegalArgumentException("a window record has either an event or a problem");
    }
  }

  /** Decodes a record value as read from Kafka. */
  public static WindowRecord decode(RecordCoordinates at, byte[] key, byte[] value) {
    Optional<String> k = Optional.ofNullable(key).map(b -> new String(b, StandardCharsets.UTF_8));
    try {
      return new WindowRecord(at, k, Optional.of(WireCodec.decode(value, at).event()), Optional.empty());
    } catch (UndecodableRecordException e) {
      return new WindowRecord(at, k, Optional.empty(), Optional.of(e.getMessage()));
    }
  }

  /** A decoded event at {@code at}. */
  public static WindowRecord of(RecordCoordinates at, Event event) {
    return new WindowRecord(at, event.repo().map(WirePath::value), Optional.of(event), Optional.empty());
  }

  /**
   * The repository the record is about: the event's, or for an undecodable record the key (a
   * wire path, when a producer wrote it); empty for a heartbeat.
   */
  public Optional<WirePath> repo() {
    if (event.isPresent()) {
      return event.get().repo();
    }
    return key.filter(k -> !k.isEmpty() && k.indexOf('\0') < 0).map(WirePath::of);
  }
}
