package org.vcsreplicator.offsets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A table laid out as Python's {@code tabulate.tabulate(rows, headers)} (version 0.9, default
 * "simple" format) lays it out, which is what the original's {@code vcsreplicator-print-offsets}
 * printed:
 *
 * <ul>
 *   <li>Each column has a type: integer if every cell is an integer (or text that reads as one),
 *       float if every cell is a number, text otherwise.
 *   <li>Integers print as they are; floats as {@code format(x, 'g')}; in a text column every cell
 *       prints as Python's {@code str} would (a float as {@code 0.0}, not {@code 0}).
 *   <li>Number columns are right-aligned with their decimal points lined up (shorter decimals get
 *       trailing spaces); text columns are left-aligned. A column is at least as wide as its header
 *       plus two.
 *   <li>Header row, a row of dashes as wide as each column, then the data rows; columns are
 *       separated by two spaces and every line loses its trailing spaces.
 * </ul>
 *
 * Cells are {@link Integer}, {@link Long}, {@link Double} or {@link String}. Stateless and
 * thread-safe.
 */
final class SimpleTable {
  private static final int MIN_PADDING = 2;
  private static final String SEPARATOR = "  ";

  // What Python's int() and float() accept (ASCII digits; underscores between digits).
  private static final String DIGITS = "\\d(?:_?\\d)*";
  private static final Pattern INT_TEXT = Pattern.compile("\\s*[+-]?" + DIGITS + "\\s*");
  private static final Pattern FLOAT_TEXT = Pattern.compile(
      "\\s*[+-]?(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\." + DIGITS + ")(?:[eE][+-]?" + DIGITS + ")?\\s*");

  /** Column types, from least to most generic. */
  private enum Type { INT, FLOAT, TEXT }

  private SimpleTable() {}

  /** The table's lines (header, dashes, one per row), without line terminators; never null. */
  static List<String> format(List<String> headers, List<List<Object>> rows) {
    int columns = headers.size();
    for (List<Object> row : rows) {
      if (row.size() != columns) {
        throw new IllegalArgumentException("row has " + row.size() + " cells, headers " + columns + ": " + row);
      }
    }
    List<List<String>> cells = new ArrayList<>();
    List<Type> types = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      List<Object> values = new ArrayList<>();
      for (List<Object> row : rows) {
        values.add(row.get(c));
      }
      // A column without rows is left-aligned, as tabulate does for an empty table.
      Type type = values.isEmpty() ? Type.TEXT : Type.INT;
      for (Object v : values) {
        Type t = typeOf(v);
        type = t.compareTo(type) > 0 ? t : type;
      }
      List<String> column = new ArrayList<>();
      for (Object v : values) {
        column.add(formatCell(v, type));
      }
      int minWidth = width(headers.get(c)) + MIN_PADDING;
      column = type == Type.TEXT ? alignLeft(column, minWidth) : alignDecimal(column, minWidth);
      int w = minWidth;
      for (String s : column) {
        w = Math.max(w, width(s));
      }
      types.add(type);
      widths.add(w);
      cells.add(column);
    }

    List<String> lines = new ArrayList<>();
    List<String> header = new ArrayList<>();
    List<String> dashes = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      String h = headers.get(c);
      header.add(types.get(c) == Type.TEXT ? padRight(h, widths.get(c)) : padLeft(h, widths.get(c)));
      dashes.add("-".repeat(widths.get(c)));
    }
    lines.add(joinLine(header));
    lines.add(joinLine(dashes));
    for (int r = 0; r < rows.size(); r++) {
      List<String> line = new ArrayList<>();
      for (int c = 0; c < columns; c++) {
        line.add(cells.get(c).get(r));
      }
      lines.add(joinLine(line));
    }
    return List.copyOf(lines);
  }

  private static Type typeOf(Object v) {
    if (v instanceof Integer || v instanceof Long) {
      return Type.INT;
    }
    if (v instanceof Double) {
      return Type.FLOAT;
    }
    if (v instanceof String s) {
      if (INT_TEXT.matcher(s).matches()) {
        return Type.INT;
      }
      return isNumber(s) ? Type.FLOAT : Type.TEXT;
    }
    throw new IllegalArgumentException("unsupported cell " + v + " (" + (v == null ? "null" : v.getClass().getName()) + ")");
  }

  /** tabulate's {@code _isnumber}: float() accepts it, and it is finite or literally inf/-inf/nan. */
  private static boolean isNumber(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.equals("inf") || lower.equals("-inf") || lower.equals("nan")) {
      return true;
    }
    return FLOAT_TEXT.matcher(s).matches() && Double.isFinite(parse(s));
  }

  private static double parse(String s) {
    return Double.parseDouble(s.strip().replace("_", "").toLowerCase(Locale.ROOT).replace("inf", "Infinity").replace("nan", "NaN"));
  }

  private static String formatCell(Object v, Type columnType) {
    switch (columnType) {
      case FLOAT:
        if (v instanceof Double d) {
          return PythonFormat.general(d);
        }
        if (v instanceof String s) {
          return PythonFormat.general(parse(s));
        }
        return PythonFormat.general(((Number) v).doubleValue());
      case INT:
      case TEXT:
      default:
        return v instanceof Double d ? PythonFormat.str(d) : v.toString();
    }
  }

  private static List<String> alignLeft(List<String> column, int minWidth) {
    List<String> stripped = new ArrayList<>();
    int w = minWidth;
    for (String s : column) {
      String t = s.strip();
      stripped.add(t);
      w = Math.max(w, width(t));
    }
    List<String> out = new ArrayList<>();
    for (String s : stripped) {
      out.add(padRight(s, w));
    }
    return out;
  }

  private static List<String> alignDecimal(List<String> column, int minWidth) {
    int maxDecimals = -1;
    for (String s : column) {
      maxDecimals = Math.max(maxDecimals, afterPoint(s));
    }
    List<String> padded = new ArrayList<>();
    int w = minWidth;
    for (String s : column) {
      String t = s + " ".repeat(maxDecimals - afterPoint(s));
      padded.add(t);
      w = Math.max(w, width(t));
    }
    List<String> out = new ArrayList<>();
    for (String s : padded) {
      out.add(padLeft(s, w));
    }
    return out;
  }

  /** Characters after the decimal point (or the exponent mark), -1 for integers and text. */
  private static int afterPoint(String s) {
    if (!isNumber(s) || INT_TEXT.matcher(s).matches()) {
      return -1;
    }
    int pos = s.lastIndexOf('.');
    if (pos < 0) {
      pos = s.toLowerCase(Locale.ROOT).lastIndexOf('e');
    }
    return pos >= 0 ? s.length() - pos - 1 : -1;
  }

  private static String joinLine(List<String> cells) {
    return String.join(SEPARATOR, cells).stripTrailing();
  }

  // Python measures and pads strings in code points.
  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }

  private static String padLeft(String s, int width) {
    return " ".repeat(Math.max(0, width - width(s))) + s;
  }

  private static String padRight(String s, int width) {
    return s + " ".repeat(Math.max(0, width - width(s)));
  }
}
