package org.vcsreplicator.offsets;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.vcsreplicator.codec.PythonJson;

/**
 * The output of {@code print-offsets}: per group and partition the committed offset, the end offset
 * and the lag, as a table for people or as JSON for machines. Stateless and thread-safe.
 */
public final class OffsetsReport {

  /** The table's column headers, the original's. */
  public static final List<String> HEADERS = List.of("topic", "group", "partition", "offset", "available", "lag (s)");

  /** What the {@code lag (s)} column shows when the oldest unapplied record could not be read. */
  public static final String UNREADABLE_LAG = "error";

  private OffsetsReport() {}

  /**
   * The table exactly as the original printed it (see {@link SimpleTable}): the header, a row of
   * dashes, then one row per reading in the given order. The lag is in seconds, {@code 0} when in
   * sync and {@code error} when unreadable.
   *
   * @param readings never null
   * @return the lines, without line terminators; never null
   */
  public static List<String> table(List<LagReading> readings) {
    List<List<Object>> rows = new ArrayList<>();
    for (LagReading r : readings) {
      Object lag = r.lagSeconds().isPresent() ? (Object) r.lagSeconds().getAsDouble() : UNREADABLE_LAG;
      rows.add(List.of(r.topic(), r.group(), r.partition(), r.offset(), r.available(), lag));
    }
    return SimpleTable.format(HEADERS, rows);
  }

  /**
   * One JSON array, an object per reading in the given order, with the keys {@code topic}, {@code
   * group}, {@code partition}, {@code offset}, {@code available}, {@code lag_messages} and {@code
   * lag_seconds} ({@code null} where the table says {@code error}), written as Python's {@code
   * json.dumps(..., sort_keys=True)} writes it.
   *
   * @param readings never null
   * @return one line without terminator; never null
   */
  public static String json(List<LagReading> readings) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (LagReading r : readings) {
      ObjectNode o = array.addObject();
      o.put("topic", r.topic());
      o.put("group", r.group());
      o.put("partition", r.partition());
      o.put("offset", r.offset());
      o.put("available", r.available());
      o.put("lag_messages", r.lagMessages());
      if (r.lagSeconds().isPresent()) {
        o.put("lag_seconds", r.lagSeconds().getAsDouble());
      } else {
        o.putNull("lag_seconds");
      }
    }
    return PythonJson.write(array);
  }
}
