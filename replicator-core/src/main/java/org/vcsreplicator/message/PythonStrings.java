package org.vcsreplicator.message;

import java.util.Comparator;

/**
 * How Python orders strings, for everything that must sort as the original does (the keys of a
 * JSON object on the wire, the partition map's entries, YAML dumps).
 */
public final class PythonStrings {
  /**
   * Python compares strings by code point; Java's {@code String.compareTo} by UTF-16 unit, which
   * puts characters above U+FFFF before U+E000..U+FFFF. A prefix sorts first.
   */
  public static final Comparator<String> CODE_POINT_ORDER = PythonStrings::compare;

  private PythonStrings() {
  }

  private static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
