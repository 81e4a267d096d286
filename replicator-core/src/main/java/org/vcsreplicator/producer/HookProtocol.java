package org.vcsreplicator.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.producer.TransactionChanges.BookmarkMove;
import org.vcsreplicator.producer.TransactionChanges.NewChangesets;
import org.vcsreplicator.producer.TransactionChanges.PhaseMove;
import org.vcsreplicator.producer.TransactionChanges.ServedHeads;

/**
 * The wire format between the hg hook module ({@code hghooks/vcsreplicator_hghook.py}) and the
 * daemon: one UTF-8 JSON object per line each way, one request per connection.
 *
 * <pre>
 * request  {"v": 1, "op": "pretxnopen" | "pretxnclose", "root": "/repo/hg/x", "txnid": "TXN:…"}
 *          {"v": 1, "op": "publish", "root": …, "txnid": …, "source": "serve",
 *           "changegroup": {"nodecount": 1, "heads": ["<40 hex>"]}          (absent: none added)
 *           "bookmarks": [["name", "<old hex or ''>", "<new hex or ''>"]],
 *           "phases": [["<40 hex>", "1", "0"]], "obsolete": {"dump0": "<base85>"},
 *           "heads": {"before": [hex…] or null, "after": [hex…], "last_push_id": int or null}}
 *          {"v": 1, "op": "pre-init", "path": "/repo/hg/x"}
 *          {"v": 1, "op": "post-init", "path": …, "requirements": ["generaldelta", …]}
 * reply    {"ok": true, "status": [line…], "warn": [line…], "abort": null | {"message": …, "hint": …}}
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class HookProtocol {
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private HookProtocol() {}

  /** Reads one request line (without its newline). */
  public static HookRequest parseRequest(byte[] line) throws HookProtocolException {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new HookProtocolException("hook request is not JSON: " + e.getOriginalMessage(), e);
    } catch (java.io.IOException e) {
      throw new HookProtocolException("hook request is not readable: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new HookProtocolException("hook request is not a JSON object");
    }
    int version = root.path("v").asInt(-1);
    if (version != VERSION) {
      throw new HookProtocolException("hook request has protocol version " + root.path("v")
          + ", this daemon speaks " + VERSION + " (hook module and daemon from different releases?)");
    }
    String op = text(root, "op");
    switch (op) {
      case "pretxnopen":
        return new HookRequest.TxnOpen(path(root, "root"), text(root, "txnid"));
      case "pretxnclose":
        return new HookRequest.TxnClose(path(root, "root"), text(root, "txnid"));
      case "publish":
        return new HookRequest.Publish(path(root, "root"), text(root, "txnid"), changes(root));
      case "pre-init":
        return new HookRequest.InitCheck(path(root, "path"));
      case "post-init":
        return new HookRequest.InitDone(path(root, "path"), strings(root, "requirements"));
      default:
        throw new HookProtocolException("hook request has unknown op '" + op + "'");
    }
  }

  /** The reply line, newline-terminated. */
  public static byte[] formatReply(HookReply reply) {
    ObjectNode out = JSON.createObjectNode();
    out.put("ok", reply.ok());
    ArrayNode status = out.putArray("status");
    reply.status().forEach(status::add);
    ArrayNode warn = out.putArray("warn");
    reply.warnings().forEach(warn::add);
    if (reply.abort().isPresent()) {
      ObjectNode abort = out.putObject("abort");
      abort.put("message", reply.abort().get().message());
      abort.put("hint", reply.abort().get().hint().orElse(null));
    } else {
      out.putNull("abort");
    }
    try {
      return (JSON.writeValueAsString(out) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a reply", e);
    }
  }

  private static TransactionChanges changes(JsonNode root) throws HookProtocolException {
    String source = root.path("source").isTextual() ? root.get("source").asText() : "";
    Optional<NewChangesets> added = Optional.empty();
    JsonNode cg = root.get("changegroup");
    if (cg != null && !cg.isNull()) {
      JsonNode count = cg.get("nodecount");
      if (count == null || !count.isIntegralNumber()) {
        throw new HookProtocolException("hook request field 'changegroup.nodecount' is missing or not an integer");
      }
      List<NodeId> cgHeads = nodes(cg, "heads");
      added = Optional.of(guard("changegroup", () -> new NewChangesets(count.intValue(), cgHeads)));
    }
    List<BookmarkMove> bookmarks = new ArrayList<>();
    for (JsonNode b : array(root, "bookmarks")) {
      if (!b.isArray() || b.size() != 3) {
        throw new HookProtocolException("hook request field 'bookmarks' must hold [name, old, new] triples");
      }
      bookmarks.add(guard("bookmarks", () -> new BookmarkMove(b.get(0).asText(),
          optionalNode(b.get(1).asText()), optionalNode(b.get(2).asText()))));
    }
    List<PhaseMove> phases = new ArrayList<>();
    for (JsonNode p : array(root, "phases")) {
      if (!p.isArray() || p.size() != 3) {
        throw new HookProtocolException("hook request field 'phases' must hold [node, old, new] triples");
      }
      phases.add(guard("phases", () -> new PhaseMove(NodeId.of(p.get(0).asText()),
          Integer.parseInt(p.get(1).asText()), Integer.parseInt(p.get(2).asText()))));
    }
    TreeMap<String, String> obsolete = new TreeMap<>();
    JsonNode obs = root.get("obsolete");
    if (obs != null && !obs.isNull()) {
      if (!obs.isObject()) {
        throw new HookProtocolException("hook request field 'obsolete' must be an object");
      }
      obs.fields().forEachRemaining(e -> obsolete.put(e.getKey(), e.getValue().asText()));
    }
    JsonNode heads = root.get("heads");
    if (heads == null || !heads.isObject()) {
      throw new HookProtocolException("hook request field 'heads' is missing or not an object");
    }
    JsonNode before = heads.get("before");
    Optional<List<NodeId>> beforeHeads = before == null || before.isNull()
        ? Optional.empty() : Optional.of(nodes(heads, "before"));
    JsonNode lastPushId = heads.get("last_push_id");
    OptionalLong pushId = lastPushId == null || lastPushId.isNull()
        ? OptionalLong.empty() : OptionalLong.of(lastPushId.asLong());
    ServedHeads served = new ServedHeads(beforeHeads, nodes(heads, "after"), pushId);
    return new TransactionChanges(source, added, bookmarks, phases, obsolete, served);
  }

  private interface Parse<T> {
    T get();
  }

  /** Turns a value's own validation failure into a protocol error naming the field. */
  private static <T> T guard(String field, Parse<T> parse) throws HookProtocolException {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new HookProtocolException("hook request field '" + field + "' is invalid: " + e.getMessage(), e);
    }
  }

  private static Optional<NodeId> optionalNode(String hex) {
    return hex.isEmpty() ? Optional.empty() : Optional.of(NodeId.of(hex));
  }

  private static String text(JsonNode node, String field) throws HookProtocolException {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new HookProtocolException("hook request field '" + field + "' is missing or not a string");
    }
    return v.asText();
  }

  private static Path path(JsonNode node, String field) throws HookProtocolException {
    Path p = Path.of(text(node, field));
    if (!p.isAbsolute()) {
      throw new HookProtocolException("hook request field '" + field + "' is not an absolute path: " + p);
    }
    return p.normalize();
  }

  private static List<JsonNode> array(JsonNode node, String field) throws HookProtocolException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (!v.isArray()) {
      throw new HookProtocolException("hook request field '" + field + "' is not a list");
    }
    List<JsonNode> out = new ArrayList<>();
    v.forEach(out::add);
    return out;
  }

  private static List<String> strings(JsonNode node, String field) throws HookProtocolException {
    List<String> out = new ArrayList<>();
    for (JsonNode v : array(node, field)) {
      if (!v.isTextual()) {
        throw new HookProtocolException("hook request field '" + field + "' must hold strings");
      }
      out.add(v.asText());
    }
    return out;
  }

  private static List<NodeId> nodes(JsonNode node, String field) throws HookProtocolException {
    List<NodeId> out = new ArrayList<>();
    for (String hex : strings(node, field)) {
      out.add(guard(field, () -> NodeId.of(hex)));
    }
    return out;
  }
}
