package org.vcsreplicator.codec;

import java.util.Optional;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * A record that is not a valid replication event: wrong header, bad JSON, unknown name, missing or
 * ill-typed field. Permanent: retrying cannot help. Carries the record's coordinates when known,
 * so the operator can {@code --dump} and {@code --skip} it.
 */
public final class UndecodableRecordException extends Exception {
  private final String reason;
  private final transient RecordCoordinates coordinates;
  private final String wireName;

  public UndecodableRecordException(String reason) {
    this(reason, null, null, null);
  }

  UndecodableRecordException(String reason, String wireName, RecordCoordinates coordinates, Throwable cause) {
    super(render(reason, wireName, coordinates), cause);
    this.reason = reason;
    this.wireName = wireName;
    this.coordinates = coordinates;
  }

  private static String render(String reason, String wireName, RecordCoordinates at) {
    StringBuilder sb = new StringBuilder("undecodable record");
    if (at != null) {
      sb.append(" at ").append(at);
    }
    if (wireName != null) {
      sb.append(" (").append(wireName).append(')');
    }
    return sb.append(": ").append(reason).toString();
  }

  /** The problem alone, without coordinates; never null. */
  public String reason() {
    return reason;
  }

  /** The record's {@code name} when it could be read. */
  public Optional<String> wireName() {
    return Optional.ofNullable(wireName);
  }

  public Optional<RecordCoordinates> coordinates() {
    return Optional.ofNullable(coordinates);
  }

  /** The same failure, located in the log. */
  public UndecodableRecordException at(RecordCoordinates where) {
    UndecodableRecordException located = new UndecodableRecordException(reason, wireName, where, getCause());
    located.setStackTrace(getStackTrace());
    return located;
  }

  UndecodableRecordException named(String name) {
    return new UndecodableRecordException(reason, name, coordinates, getCause());
  }
}
