package org.vcsreplicator.offsets;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.vcsreplicator.codec.PythonJson;

/**
 * Python's ways of turning a float into text, which the original's output used: {@code '%.3f' % x},
 * {@code format(x, 'g')} and {@code str(x)}. Java's {@code String.format} differs (locale, rounding
 * of the shortest decimal instead of the exact binary value), so these work on the exact value with
 * {@link BigDecimal} and round half to even, as CPython does.
 *
 * <p>Stateless and thread-safe.
 */
final class PythonFormat {
  private static final MathContext SIX_DIGITS = new MathContext(6, RoundingMode.HALF_EVEN);

  private PythonFormat() {}

  /** {@code '%.Nf' % x}: fixed point with {@code decimals} digits; never null. */
  static String fixed(double x, int decimals) {
    if (!Double.isFinite(x)) {
      return nonFinite(x);
    }
    String digits = new BigDecimal(x).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    // BigDecimal has no negative zero; Python keeps the sign (-0.0001 gives "-0.000").
    return isNegative(x) && !digits.startsWith("-") ? "-" + digits : digits;
  }

  /**
   * {@code format(x, 'g')}: six significant digits, trailing zeros removed, scientific notation
   * when the exponent is below -4 or at least 6; never null.
   */
  static String general(double x) {
    if (!Double.isFinite(x)) {
      return nonFinite(x);
    }
    String sign = isNegative(x) ? "-" : "";
    if (x == 0) {
      return sign + "0";
    }
    BigDecimal rounded = new BigDecimal(Math.abs(x)).round(SIX_DIGITS);
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent >= -4 && exponent < 6) {
      return sign + stripZeros(rounded.setScale(Math.max(0, 5 - exponent), RoundingMode.UNNECESSARY).toPlainString());
    }
    String mantissa = stripZeros(rounded.movePointLeft(exponent).toPlainString());
    int abs = Math.abs(exponent);
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (abs < 10 ? "0" : "") + abs;
  }

  /** {@code str(x)} (the shortest digits that read back as {@code x}); never null. */
  static String str(double x) {
    return Double.isFinite(x) ? PythonJson.pythonFloatRepr(x) : nonFinite(x);
  }

  private static boolean isNegative(double x) {
    return x < 0 || (x == 0 && 1 / x < 0);
  }

  private static String nonFinite(double x) {
    return Double.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  }

  private static String stripZeros(String s) {
    if (s.indexOf('.') < 0) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }
}
