package org.vcsreplicator.codec;

import com.fasterxml.jackson.core.io.schubfach.DoubleToDecimal;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.vcsreplicator.message.PythonStrings;

/**
 * Writes a JSON tree exactly as Python's {@code json.dumps(o, sort_keys=True)} does, so records we
 * write are byte-identical to the original's: keys sorted (by code point), {@code ", "} and
 * {@code ": "} separators, everything outside printable ASCII escaped as {@code \\uXXXX} (lowercase
 * hex, UTF-16 code units), and floats in Python's {@code repr} (shortest round-trip digits, plain
 * decimal unless the exponent is below -4 or above 15).
 *
 * <p>Public because other output the original printed with {@code json.dumps} (the lag checks'
 * {@code --telegraf} arrays) must match it too. Stateless and thread-safe.
 */
public final class PythonJson {
  private PythonJson() {}

  /** {@code json.dumps(node, sort_keys=True)}; never null. */
  public static String write(JsonNode node) {
    StringBuilder out = new StringBuilder(256);
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case NULL, MISSING -> out.append("null");
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      case STRING -> writeString(node.textValue(), out);
      case NUMBER -> writeNumber(node, out);
      case ARRAY -> {
        out.append('[');
        Iterator<JsonNode> it = node.elements();
        boolean first = true;
        while (it.hasNext()) {
          if (!first) {
            out.append(", ");
          }
          first = false;
          write(it.next(), out);
        }
        out.append(']');
      }
      case OBJECT -> {
        // Python sorts str keys by code point; Java's String order is by UTF-16 unit, which only
        // differs for supplementary characters, so compare code points explicitly.
        TreeMap<String, JsonNode> sorted = new TreeMap<>(PythonStrings.CODE_POINT_ORDER);
        node.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
          if (!first) {
            out.append(", ");
          }
          first = false;
          writeString(e.getKey(), out);
          out.append(": ");
          write(e.getValue(), out);
        }
        out.append('}');
      }
      default -> throw new IllegalArgumentException("cannot write JSON node of type " + node.getNodeType());
    }
  }

  private static void writeNumber(JsonNode node, StringBuilder out) {
    if (node.isIntegralNumber()) {
      out.append(node.bigIntegerValue().toString());
    } else if (node.isBigDecimal()) {
      out.append(pythonFloatRepr(node.decimalValue().doubleValue()));
    } else {
      out.append(pythonFloatRepr(node.doubleValue()));
    }
  }

  private static void writeString(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c >= 0x20 && c <= 0x7e) {
            out.append(c);
          } else {
            out.append("\\u");
            String hex = Integer.toHexString(c);
            out.append("0".repeat(4 - hex.length())).append(hex);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Python's {@code repr(float)} (float_repr_style 'short'), which is also {@code str(float)}, for
   * finite values; NaN and infinities as {@code json.dumps} writes them.
   */
  public static String pythonFloatRepr(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0.0" : "0.0";
    }
    // Shortest digits that round-trip (Schubfach; JDK 17's Double.toString is not always shortest).
    BigDecimal shortest = new BigDecimal(DoubleToDecimal.toString(d));
    // Java's algorithm never answers with fewer than two significant digits; Python's does
    // (5e-324, not 4.9e-324) whenever one digit still round-trips.
    if (shortest.stripTrailingZeros().precision() == 2) {
      BigDecimal oneDigit = shortest.round(new java.math.MathContext(1, java.math.RoundingMode.HALF_EVEN));
      if (oneDigit.doubleValue() == d) {
        shortest = oneDigit;
      }
    }
    String sign = shortest.signum() < 0 ? "-" : "";
    BigDecimal abs = shortest.abs().stripTrailingZeros();
    String digits = abs.unscaledValue().toString();
    // value = 0.<digits> * 10^decpt
    int decpt = digits.length() - abs.scale();
    if (decpt > -4 && decpt <= 16) {
      String plain = abs.toPlainString();
      return sign + (plain.contains(".") ? plain : plain + ".0");
    }
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    int exponent = decpt - 1;
    String exp = String.format("%s%02d", exponent < 0 ? "-" : "+", Math.abs(exponent));
    return sign + mantissa + "e" + exp;
  }
}
