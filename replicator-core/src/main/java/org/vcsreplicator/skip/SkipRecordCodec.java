package org.vcsreplicator.skip;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.vcsreplicator.codec.PythonJson;

/**
 * The JSON of a {@link SkipRecord}, the value written to the skip audit topic: one object with
 * every key always present (null when absent), written as Python's {@code json.dumps(…,
 * sort_keys=True)} writes it ({@link PythonJson}), so it is stable, sorted and plain ASCII.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code id}</td><td>{@code GROUP:TOPIC:PARTITION:OFFSET} (a replay record adds
 *       {@code :replayed:TIME})</td></tr>
 *   <tr><td>{@code topic}, {@code partition}, {@code offset}</td><td>where the event is</td></tr>
 *   <tr><td>{@code group}</td><td>the consumer group that skipped (replayed) it</td></tr>
 *   <tr><td>{@code host}, {@code user}</td><td>who</td></tr>
 *   <tr><td>{@code time}</td><td>when, ISO-8601 UTC with milliseconds:
 *       {@code 2024-05-01T03:12:45.123Z}</td></tr>
 *   <tr><td>{@code reason}</td><td>{@code --reason TEXT}, or null</td></tr>
 *   <tr><td>{@code key}</td><td>the record key as text (informative), or null</td></tr>
 *   <tr><td>{@code event}</td><td>the record value as text, exactly as on the wire including the
 *       {@code 1\n} header; null when the value is not valid UTF-8 (then see
 *       {@code event_base64}) or the record had no value</td></tr>
 *   <tr><td>{@code event_base64}</td><td>only for a value that is not valid UTF-8: its exact
 *       bytes, base64 (RFC 4648, with padding); null otherwise</td></tr>
 *   <tr><td>{@code replay_of}</td><td>null for a skip record; for a replay record, the id of the
 *       skip record it replays</td></tr>
 * </table>
 *
 * <p>A reader takes {@code event_base64} when it is not null, else {@code event}; both null means
 * the record had no value. Unknown keys are ignored (a later version may add some).
 *
 * <p>Stateless and thread-safe.
 */
public final class SkipRecordCodec {
  public static final String ID = "id";
  public static final String TOPIC = "topic";
  public static final String PARTITION = "partition";
  public static final String OFFSET = "offset";
  public static final String GROUP = "group";
  public static final String HOST = "host";
  public static final String USER = "user";
  public static final String TIME = "time";
  public static final String REASON = "reason";
  public static final String KEY = "key";
  public static final String EVENT = "event";
  public static final String EVENT_BASE64 = "event_base64";
  public static final String REPLAY_OF = "replay_of";

  private static final DateTimeFormatter TIME_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SkipRecordCodec() {}

  /** ISO-8601 UTC with milliseconds, e.g. {@code 2024-05-01T03:12:45.123Z}; never null. */
  public static String formatTime(Instant time) {
    return TIME_FORMAT.format(time);
  }

  /** The record as a JSON object with every key; never null. */
  public static ObjectNode toJson(SkipRecord r) {
    ObjectNode o = NODES.objectNode();
    o.put(ID, r.id());
    o.put(TOPIC, r.topic());
    o.put(PARTITION, r.partition());
    o.put(OFFSET, r.offset());
    o.put(GROUP, r.group());
    o.put(HOST, r.by().host());
    o.put(USER, r.by().user());
    o.put(TIME, formatTime(r.time()));
    o.put(REASON, r.reason().orElse(null));
    o.put(KEY, r.key().orElse(null));
    byte[] event = r.event();
    Optional<String> text = r.eventText();
    o.put(EVENT, text.orElse(null));
    o.put(EVENT_BASE64, event != null && text.isEmpty() ? Base64.getEncoder().encodeToString(event) : null);
    o.put(REPLAY_OF, r.replayOf().orElse(null));
    return o;
  }

  /** The value written to the audit topic; never null. */
  public static byte[] encode(SkipRecord r) {
    return PythonJson.write(toJson(r)).getBytes(StandardCharsets.UTF_8);
  }

  /** The records as one JSON list (what {@code skipped list --json} prints); never null. */
  public static String writeList(List<SkipRecord> records) {
    ArrayNode list = NODES.arrayNode();
    records.forEach(r -> list.add(toJson(r)));
    return PythonJson.write(list);
  }

  /**
   * Reads a value of the audit topic.
   *
   * @throws MalformedSkipRecordException naming what is wrong
   */
  public static SkipRecord decode(byte[] value) throws MalformedSkipRecordException {
    if (value == null) {
      throw new MalformedSkipRecordException("no value");
    }
    JsonNode tree;
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value))
          .toString();
      tree = MAPPER.readTree(text);
    } catch (CharacterCodingException e) {
      throw new MalformedSkipRecordException("not valid UTF-8");
    } catch (JsonProcessingException e) {
      throw new MalformedSkipRecordException("not valid JSON: " + e.getOriginalMessage());
    }
    if (tree == null || !tree.isObject()) {
      throw new MalformedSkipRecordException("not a JSON object");
    }
    ObjectNode o = (ObjectNode) tree;
    try {
      byte[] event;
      Optional<String> base64 = optionalText(o, EVENT_BASE64);
      if (base64.isPresent()) {
        event = Base64.getDecoder().decode(base64.get());
      } else {
        event = optionalText(o, EVENT).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
      }
      return new SkipRecord(
          text(o, ID),
          text(o, TOPIC),
          Math.toIntExact(number(o, PARTITION)),
          number(o, OFFSET),
          text(o, GROUP),
          new Actor(text(o, HOST), text(o, USER)),
          parseTime(text(o, TIME)),
          optionalText(o, REASON),
          optionalText(o, KEY),
          event,
          optionalText(o, REPLAY_OF));
    } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
      // Also a base64 or time that does not parse, a partition out of int range, a blank id.
      String id = o.path(ID).isTextual() ? o.get(ID).textValue() : "?";
      throw new MalformedSkipRecordException("skip record " + id + ": " + e.getMessage());
    }
  }

  /** A time as the records write it, or any ISO-8601 instant with an offset. */
  static Instant parseTime(String text) {
    return OffsetDateTime.parse(text).toInstant();
  }

  private static String text(ObjectNode o, String key) {
    JsonNode n = o.get(key);
    if (n == null || !n.isTextual()) {
      throw new IllegalArgumentException("field '" + key + "' must be a string");
    }
    return n.textValue();
  }

  private static Optional<String> optionalText(ObjectNode o, String key) {
    JsonNode n = o.get(key);
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isTextual()) {
      throw new IllegalArgumentException("field '" + key + "' must be a string or null");
    }
    return Optional.of(n.textValue());
  }

  private static long number(ObjectNode o, String key) {
    JsonNode n = o.get(key);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      throw new IllegalArgumentException("field '" + key + "' must be an integer");
    }
    return n.longValue();
  }
}
