package org.vcsreplicator.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vcsreplicator.message.PythonStrings;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Renders pending records as the original's {@code --dump} printed them (ORIGINAL-BEHAVIOURS
 * X8): a block-style YAML list of the full payloads, keys sorted, {@code []} when empty, in
 * PyYAML's {@code safe_dump(default_flow_style=False)} style (single-quoted strings where needed,
 * non-ASCII escaped, though with lower-case hex digits where PyYAML writes upper case: {@code
 * \u306b}, the same string to any YAML reader). SnakeYAML, the engine under jackson-dataformat-yaml, is a port of PyYAML's
 * emitter, so driving it directly gives the same text; Jackson's own generator would quote
 * differently.
 *
 * <p>A record that is not a JSON payload is shown as a mapping with its coordinates, the reason
 * and the raw value, so the operator still sees what {@code --skip} would drop.
 *
 * <p>Stateless and thread-safe.
 */
public final class DumpYaml {

  private DumpYaml() {}

  /**
   * @param records in the order to print, never null
   * @return the YAML text without a trailing newline (the original stripped it); never null
   */
  public static String render(List<PendingRecord> records) {
    List<Object> items = new ArrayList<>(records.size());
    for (PendingRecord record : records) {
      items.add(record.payload().map(DumpYaml::toPlain).orElseGet(() -> undecodable(record)));
    }
    return yaml().dump(items).stripTrailing();
  }

  /** One payload alone, e.g. for the line that records a skip. */
  public static String render(PendingRecord record) {
    return render(List.of(record));
  }

  private static Yaml yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setAllowUnicode(false);
    options.setIndent(2);
    options.setWidth(80);
    return new Yaml(new PyYamlRepresenter(options), options);
  }

  /**
   * Two choices where SnakeYAML's representer differs from PyYAML's: PyYAML leaves every string's
   * style to the emitter (which single-quotes a multi-line string, where SnakeYAML would pick a
   * literal block), and writes floats as Python's {@code repr} does.
   */
  private static final class PyYamlRepresenter extends Representer {
    PyYamlRepresenter(DumperOptions options) {
      super(options);
      // PyYAML never writes a multi-line plain scalar: single quotes, or double when it must.
      this.representers.put(String.class, data -> representScalar(Tag.STR, (String) data,
          ((String) data).indexOf('\n') >= 0 || ((String) data).indexOf('\r') >= 0
              ? DumperOptions.ScalarStyle.SINGLE_QUOTED
              : DumperOptions.ScalarStyle.PLAIN));
      this.representers.put(java.math.BigDecimal.class,
          data -> representScalar(Tag.FLOAT, data.toString().replace('E', 'e'), DumperOptions.ScalarStyle.PLAIN));
    }
  }

  private static Map<String, Object> undecodable(PendingRecord record) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("_offset", record.at().offset());
    m.put("_partition", record.at().partition());
    m.put("_undecodable", record.summary());
    m.put("_value", record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8));
    return m;
  }

  /** JSON tree to the plain Java values SnakeYAML represents, keys sorted as Python sorts them. */
  static Object toPlain(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> sorted = new TreeMap<>(PythonStrings.CODE_POINT_ORDER);
      for (Map.Entry<String, JsonNode> f : node.properties()) {
        sorted.put(f.getKey(), toPlain(f.getValue()));
      }
      return new LinkedHashMap<>(sorted);
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>(node.size());
      node.forEach(n -> list.add(toPlain(n)));
      return list;
    }
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    return node.asText();
  }
}
