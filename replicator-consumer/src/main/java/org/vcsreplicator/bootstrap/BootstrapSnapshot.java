package org.vcsreplicator.bootstrap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vcsreplicator.codec.PythonJson;
import org.vcsreplicator.message.WirePath;

/**
 * What the master bootstrap hands to new mirrors: per partition of the replication topic, the
 * window of records written while every master repository was synced, and the wire paths of those
 * repositories. Its JSON form is the original's {@code vcsreplicator-bootstrap-hgssh} output,
 * {@code {"offsets": {"0": [6, 8], …}, "repositories": ["{moz}/a", …]}}, so the documents of both
 * implementations are interchangeable.
 *
 * <p>Immutable and thread-safe.
 *
 * @param offsets window by partition, every partition of the topic; never null
 * @param repositories wire paths, sorted and distinct; never null
 */
public record BootstrapSnapshot(SortedMap<Integer, OffsetWindow> offsets, List<WirePath> repositories) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public BootstrapSnapshot {
    Objects.requireNonNull(offsets, "offsets");
    Objects.requireNonNull(repositories, "repositories");
    offsets.keySet().forEach(p -> {
      if (p == null || p < 0) {
        throw new IllegalArgumentException("partition numbers must be >= 0, got " + p);
      }
    });
    offsets = Collections.unmodifiableSortedMap(new TreeMap<>(offsets));
    repositories = List.copyOf(new TreeSet<>(repositories));
  }

  /** The document as the original printed it: {@code json.dumps(…, sort_keys=True)}; never null. */
  public String toJson() {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode windows = root.putObject("offsets");
    offsets.forEach((partition, w) -> windows.putArray(Integer.toString(partition)).add(w.start()).add(w.end()));
    ArrayNode repos = root.putArray("repositories");
    repositories.forEach(r -> repos.add(r.value()));
    return PythonJson.write(root);
  }

  /**
   * Reads a snapshot document.
   *
   * @param json the document, never null
   * @param source names the document in error messages (a file name)
   * @return never null
   * @throws BootstrapException naming the source and the first thing wrong
   */
  public static BootstrapSnapshot parse(String json, String source) throws BootstrapException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new BootstrapException(source + ": not a JSON document: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BootstrapException(source + ": expected a JSON object with \"offsets\" and \"repositories\"");
    }
    JsonNode offsetsNode = root.get("offsets");
    if (offsetsNode == null || !offsetsNode.isObject() || offsetsNode.isEmpty()) {
      throw new BootstrapException(source + ": \"offsets\" must be a non-empty object {\"PARTITION\": [start, end], …}");
    }
    SortedMap<Integer, OffsetWindow> offsets = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = offsetsNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int partition;
      try {
        partition = Integer.parseInt(e.getKey());
      } catch (NumberFormatException notANumber) {
        partition = -1;
      }
      if (partition < 0) {
        throw new BootstrapException(source + ": offsets key '" + e.getKey() + "' is not a partition number");
      }
      JsonNode w = e.getValue();
      if (!w.isArray() || w.size() != 2 || !w.get(0).canConvertToLong() || !w.get(1).canConvertToLong()
          || !w.get(0).isIntegralNumber() || !w.get(1).isIntegralNumber()
          || w.get(0).asLong() < 0 || w.get(1).asLong() < w.get(0).asLong()) {
        throw new BootstrapException(source + ": offsets." + e.getKey()
            + " must be [start, end] with 0 <= start <= end, got " + w);
      }
      offsets.put(partition, new OffsetWindow(w.get(0).asLong(), w.get(1).asLong()));
    }
    JsonNode reposNode = root.get("repositories");
    if (reposNode == null || !reposNode.isArray()) {
      throw new BootstrapException(source + ": \"repositories\" must be a list of wire paths");
    }
    List<WirePath> repos = new ArrayList<>();
    for (JsonNode r : reposNode) {
      if (!r.isTextual() || r.asText().isEmpty()) {
        throw new BootstrapException(source + ": \"repositories\" holds " + r + ", not a wire path");
      }
      try {
        repos.add(WirePath.of(r.asText()));
      } catch (IllegalArgumentException bad) {
        throw new BootstrapException(source + ": \"repositories\" holds " + r + ": " + bad.getMessage());
      }
    }
    return new BootstrapSnapshot(offsets, repos);
  }
}
