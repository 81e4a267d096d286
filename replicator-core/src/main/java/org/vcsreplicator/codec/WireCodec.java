package org.vcsreplicator.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.vcsreplicator.message.ChangegroupV1;
import org.vcsreplicator.message.ChangegroupV2;
import org.vcsreplicator.message.Event;
import org.vcsreplicator.message.EventKind;
import org.vcsreplicator.message.Heads;
import org.vcsreplicator.message.Heartbeat;
import org.vcsreplicator.message.HgrcUpdate;
import org.vcsreplicator.message.Message;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.message.Pushkey;
import org.vcsreplicator.message.PythonStrings;
import org.vcsreplicator.message.RecordCoordinates;
import org.vcsreplicator.message.RepoDelete;
import org.vcsreplicator.message.RepoInitV1;
import org.vcsreplicator.message.RepoInitV2;
import org.vcsreplicator.message.RepoSyncV1;
import org.vcsreplicator.message.RepoSyncV2;
import org.vcsreplicator.message.WirePath;

/**
 * Record value bytes ⇄ {@link Message}, compatible with the Python original (SPEC §3).
 *
 * <p>A value is {@code "1\n"} followed by one UTF-8 JSON object. Reading accepts any valid JSON
 * object after the header and keeps fields it does not know; writing produces exactly the bytes
 * Python's {@code json.dumps(o, sort_keys=True)} produces. Decoding is a pure function: it never
 * logs, and every failure is an {@link UndecodableRecordException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class WireCodec {

  /** The only message format the log has ever had. */
  static final byte[] HEADER_V1 = {'1', '\n'};

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private WireCodec() {}

  // ---------------------------------------------------------------- encoding

  /** The record value for this message; never null. */
  public static byte[] encode(Message message) {
    byte[] json = PythonJson.write(toJson(message)).getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[HEADER_V1.length + json.length];
    System.arraycopy(HEADER_V1, 0, out, 0, HEADER_V1.length);
    System.arraycopy(json, 0, out, HEADER_V1.length, json.length);
    return out;
  }

  /** The full payload as a JSON object (what {@code --dump} shows), keys sorted. */
  public static ObjectNode toJson(Message message) {
    ObjectNode fields = eventFields(message.event());
    for (Map.Entry<String, JsonNode> extra : message.extraFields().entrySet()) {
      if (fields.has(extra.getKey())) {
        throw new IllegalArgumentException(
            "extra field '" + extra.getKey() + "' collides with a field of " + message.event().kind());
      }
      fields.set(extra.getKey(), extra.getValue());
    }
    message.created().ifPresent(c -> fields.put(Message.CREATED, c));
    return sorted(fields);
  }

  private static ObjectNode sorted(ObjectNode node) {
    TreeMap<String, JsonNode> byName = new TreeMap<>(PythonStrings.CODE_POINT_ORDER);
    node.fields().forEachRemaining(e -> byName.put(e.getKey(), e.getValue()));
    ObjectNode out = NODES.objectNode();
    byName.forEach(out::set);
    return out;
  }

  private static ObjectNode eventFields(Event event) {
    ObjectNode o = NODES.objectNode();
    o.put("name", event.kind().wireName());
    event.repo().ifPresent(p -> o.put("path", p.value()));
    switch (event.kind()) {
      case HEARTBEAT, REPO_INIT_V1, REPO_DELETE -> { }
      case REPO_INIT_V2 -> o.put("generaldelta", ((RepoInitV2) event).generaldelta());
      case HGRC_UPDATE -> putOptional(o, "content", ((HgrcUpdate) event).content());
      case CHANGEGROUP_V1 -> {
        ChangegroupV1 e = (ChangegroupV1) event;
        o.put("source", e.source());
        o.set("nodes", nodes(e.nodes()));
        o.set("heads", nodes(e.heads()));
      }
      case CHANGEGROUP_V2 -> {
        ChangegroupV2 e = (ChangegroupV2) event;
        o.put("source", e.source());
        o.put("nodecount", e.nodecount());
        o.set("heads", nodes(e.heads()));
      }
      case PUSHKEY -> {
        Pushkey e = (Pushkey) event;
        o.put("namespace", e.namespace());
        o.put("key", e.key());
        o.put("old", e.oldValue());
        o.put("new", e.newValue());
        o.put("ret", e.ret());
      }
      case REPO_SYNC_V1 -> {
        RepoSyncV1 e = (RepoSyncV1) event;
        o.set("requirements", strings(e.requirements()));
        putOptional(o, "hgrc", e.hgrc());
        o.set("heads", nodes(e.heads()));
      }
      case REPO_SYNC_V2 -> {
        RepoSyncV2 e = (RepoSyncV2) event;
        o.set("requirements", strings(e.requirements()));
        putOptional(o, "hgrc", e.hgrc());
        o.set("heads", nodes(e.heads()));
        o.put("bootstrap", e.bootstrap());
      }
      case HEADS -> {
        Heads e = (Heads) event;
        o.set("heads", nodes(e.heads()));
        if (e.lastPushId().isPresent()) {
          o.put("last_push_id", e.lastPushId().getAsLong());
        } else {
          o.putNull("last_push_id");
        }
      }
      default -> throw new IllegalStateException("unhandled event kind " + event.kind());
    }
    return o;
  }

  private static void putOptional(ObjectNode o, String field, Optional<String> value) {
    if (value.isPresent()) {
      o.put(field, value.get());
    } else {
      o.putNull(field);
    }
  }

  private static ArrayNode nodes(List<NodeId> ids) {
    ArrayNode a = NODES.arrayNode();
    ids.forEach(n -> a.add(n.hex()));
    return a;
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode a = NODES.arrayNode();
    values.forEach(a::add);
    return a;
  }

  // ---------------------------------------------------------------- decoding

  /** Decodes a record value located in the log; the error carries the coordinates. */
  public static Message decode(byte[] value, RecordCoordinates where) throws UndecodableRecordException {
    try {
      return decode(value);
    } catch (UndecodableRecordException e) {
      throw e.at(where);
    }
  }

  /** Decodes a record value; never returns null. */
  public static Message decode(byte[] value) throws UndecodableRecordException {
    ObjectNode payload = decodeJson(value);
    JsonNode nameNode = payload.get("name");
    if (nameNode == null) {
      throw new UndecodableRecordException("missing field 'name'");
    }
    if (!nameNode.isTextual()) {
      throw new UndecodableRecordException("field 'name' must be a string, got " + describe(nameNode));
    }
    String name = nameNode.textValue();
    EventKind kind =
        EventKind.fromWireName(name)
            .orElseThrow(() -> new UndecodableRecordException("unknown event name '" + name + "'").named(name));
    Fields f = new Fields(payload);
    Event event;
    try {
      event = readEvent(kind, f);
    } catch (UndecodableRecordException e) {
      throw e.named(name);
    } catch (IllegalArgumentException e) {
      throw new UndecodableRecordException(e.getMessage()).named(name);
    }
    OptionalDouble created = OptionalDouble.empty();
    JsonNode createdNode = payload.get(Message.CREATED);
    if (createdNode != null) {
      if (!createdNode.isNumber()) {
        throw new UndecodableRecordException("field '_created' must be a number, got " + describe(createdNode)).named(name);
      }
      created = OptionalDouble.of(createdNode.doubleValue());
    }
    TreeMap<String, JsonNode> extras = new TreeMap<>();
    payload.fields().forEachRemaining(e -> {
      if (!f.consumed.contains(e.getKey()) && !e.getKey().equals(Message.CREATED)) {
        extras.put(e.getKey(), e.getValue());
      }
    });
    return new Message(event, created, extras);
  }

  /**
   * The payload of a record as a JSON object, without interpreting it as an event: what
   * {@code --dump} prints for any record whose header and JSON are valid.
   */
  public static ObjectNode decodeJson(byte[] value) throws UndecodableRecordException {
    if (value == null) {
      throw new UndecodableRecordException("record has no value (null)");
    }
    if (value.length < HEADER_V1.length || value[0] != HEADER_V1[0] || value[1] != HEADER_V1[1]) {
      throw new UndecodableRecordException("unknown message header " + headerPreview(value) + " (expected \"1\\n\")");
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value, HEADER_V1.length, value.length - HEADER_V1.length))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UndecodableRecordException("payload is not valid UTF-8");
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UndecodableRecordException("payload is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UndecodableRecordException("payload cannot be read: " + e.getMessage());
    }
    if (tree == null || tree.isMissingNode()) {
      throw new UndecodableRecordException("payload is empty");
    }
    if (!tree.isObject()) {
      throw new UndecodableRecordException("payload must be a JSON object, got " + describe(tree));
    }
    return (ObjectNode) tree;
  }

  private static String headerPreview(byte[] value) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < Math.min(value.length, 8); i++) {
      int b = value[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
        sb.append((char) b);
      } else if (b == '\n') {
        sb.append("\\n");
      } else {
        sb.append(String.format("\\x%02x", b));
      }
    }
    return sb.append(value.length > 8 ? "...\"" : "\"").toString();
  }

  private static Event readEvent(EventKind kind, Fields f) throws UndecodableRecordException {
    switch (kind) {
      case HEARTBEAT:
        return new Heartbeat();
      case REPO_INIT_V1:
        return new RepoInitV1(f.path());
      case REPO_INIT_V2:
        return new RepoInitV2(f.path(), f.bool("generaldelta"));
      case HGRC_UPDATE:
        return new HgrcUpdate(f.path(), f.nullableString("content"));
      case CHANGEGROUP_V1:
        return new ChangegroupV1(f.path(), f.string("source"), f.nodes("nodes"), f.nodes("heads"));
      case CHANGEGROUP_V2:
        return new ChangegroupV2(f.path(), f.string("source"), f.integer("nodecount"), f.nodes("heads"));
      case PUSHKEY:
        return new Pushkey(f.path(), f.string("namespace"), f.string("key"), f.string("old"), f.string("new"),
            f.integer("ret"));
      case REPO_SYNC_V1:
        return new RepoSyncV1(f.path(), f.strings("requirements"), f.nullableString("hgrc"), f.nodes("heads"));
      case REPO_SYNC_V2:
        return new RepoSyncV2(f.path(), f.strings("requirements"), f.nullableString("hgrc"), f.nodes("heads"),
            f.bool("bootstrap"));
      case HEADS:
        return new Heads(f.path(), f.nodes("heads"), f.nullableLong("last_push_id"));
      case REPO_DELETE:
        return new RepoDelete(f.path());
      default:
        throw new IllegalStateException("unhandled event kind " + kind);
    }
  }

  private static String describe(JsonNode n) {
    return switch (n.getNodeType()) {
      case NULL -> "null";
      case BOOLEAN -> "a boolean";
      case NUMBER -> "a number";
      case STRING -> "a string";
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      default -> n.getNodeType().toString().toLowerCase();
    };
  }

  /** Typed access to the fields of one payload, remembering which were read. */
  private static final class Fields {
    private final ObjectNode payload;
    final java.util.Set<String> consumed = new java.util.HashSet<>(List.of("name"));

    Fields(ObjectNode payload) {
      this.payload = payload;
    }

    private JsonNode required(String field) throws UndecodableRecordException {
      consumed.add(field);
      JsonNode n = payload.get(field);
      if (n == null) {
        throw new UndecodableRecordException("missing field '" + field + "'");
      }
      return n;
    }

    private UndecodableRecordException illTyped(String field, String expected, JsonNode got) {
      return new UndecodableRecordException("field '" + field + "' must be " + expected + ", got " + describe(got));
    }

    WirePath path() throws UndecodableRecordException {
      String s = string("path");
      try {
        return new WirePath(s);
      } catch (IllegalArgumentException e) {
        throw new UndecodableRecordException("field 'path': " + e.getMessage());
      }
    }

    String string(String field) throws UndecodableRecordException {
      JsonNode n = required(field);
      if (!n.isTextual()) {
        throw illTyped(field, "a string", n);
      }
      return n.textValue();
    }

    Optional<String> nullableString(String field) throws UndecodableRecordException {
      JsonNode n = required(field);
      if (n.isNull()) {
        return Optional.empty();
      }
      if (!n.isTextual()) {
        throw illTyped(field, "a string or null", n);
      }
      return Optional.of(n.textValue());
    }

    boolean bool(String field) throws UndecodableRecordException {
      JsonNode n = required(field);
      if (!n.isBoolean()) {
        throw illTyped(field, "a boolean", n);
      }
      return n.booleanValue();
    }

    int integer(String field) throws UndecodableRecordException {
      JsonNode n = required(field);
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw illTyped(field, "an integer", n);
      }
      return n.intValue();
    }

    OptionalLong nullableLong(String field) throws UndecodableRecordException {
      JsonNode n = required(field);
      if (n.isNull()) {
        return OptionalLong.empty();
      }
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        throw illTyped(field, "an integer or null", n);
      }
      return OptionalLong.of(n.longValue());
    }

    List<String> strings(String field) throws UndecodableRecordException {
      JsonNode n = required(field);
      if (!n.isArray()) {
        throw illTyped(field, "a list of strings", n);
      }
      List<String> out = new ArrayList<>(n.size());
      Iterator<JsonNode> it = n.elements();
      for (int i = 0; it.hasNext(); i++) {
        JsonNode e = it.next();
        if (!e.isTextual()) {
          throw new UndecodableRecordException(
              "field '" + field + "' item " + i + " must be a string, got " + describe(e));
        }
        out.add(e.textValue());
      }
      return out;
    }

    List<NodeId> nodes(String field) throws UndecodableRecordException {
      List<String> hexes = strings(field);
      List<NodeId> out = new ArrayList<>(hexes.size());
      for (int i = 0; i < hexes.size(); i++) {
        try {
          out.add(new NodeId(hexes.get(i)));
        } catch (IllegalArgumentException e) {
          throw new UndecodableRecordException("field '" + field + "' item " + i + ": " + e.getMessage());
        }
      }
      return out;
    }
  }
}
