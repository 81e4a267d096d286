package org.vcsreplicator.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.vcsreplicator.codec.UndecodableRecordException;
import org.vcsreplicator.codec.WireCodec;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.RecordCoordinates;

/**
 * One record of the replication topic that the group has not acknowledged yet, as read by the
 * operator tools ({@code --dump}, {@code --skip}, {@code --wait-for-n}). Keeps the raw value so
 * that even an undecodable record can be shown and skipped.
 *
 * @param at where the record sits, never null
 * @param key the record key (producers may set it to the wire path), or null
 * @param value the record value, or null
 */
public record PendingRecord(RecordCoordinates at, byte[] key, byte[] value) {

  // Floats as BigDecimal keep the digits Python wrote (1461646912.198106, not 1.461646912198106E9).
  private static final ObjectMapper EXACT_NUMBERS =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  public PendingRecord {
    Objects.requireNonNull(at, "at");
  }

  /** The decoded message, or the reason it cannot be decoded. */
  public Message decode() throws UndecodableRecordException {
    return WireCodec.decode(value, at);
  }

  /**
   * The payload as the producer wrote it (every field, including ones this version does not
   * know), for {@code --dump}; empty when the value is not {@code 1\n} plus a JSON object.
   */
  public Optional<JsonNode> payload() {
    try {
      WireCodec.decodeJson(value);
      return Optional.of(EXACT_NUMBERS.readTree(new String(value, 2, value.length - 2, StandardCharsets.UTF_8)));
    } catch (UndecodableRecordException | JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /**
   * One line saying what the record is: {@code hg-changegroup-2 for {moz}/x}, or why it cannot be
   * read.
   */
  public String summary() {
    try {
      Message m = decode();
      return m.event().kind().wireName() + m.event().repo().map(r -> " for " + r).orElse("");
    } catch (UndecodableRecordException e) {
      return "undecodable record (" + e.reason() + ")"
          + (key == null ? "" : " with key " + new String(key, StandardCharsets.UTF_8));
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PendingRecord other && at.equals(other.at)
        && Arrays.equals(key, other.key) && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * at.hashCode() + Arrays.hashCode(key)) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "PendingRecord[" + at + ", " + summary() + "]";
  }
}
