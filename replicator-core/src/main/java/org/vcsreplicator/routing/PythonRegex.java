package org.vcsreplicator.routing;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a regular expression written for Python's {@code re} module (as found in the
 * original's configuration files) into a {@link Pattern} that matches the same strings.
 *
 * <p>The two dialects agree on almost everything these files use. What differs, and is translated:
 *
 * <ul>
 *   <li>Python reads a brace that does not start a valid repetition as a literal ({@code {moz}/.*});
 *       Java rejects it. Such braces are escaped. {@code {,n}} becomes {@code {0,n}}.
 *   <li>Inside a character class Python reads {@code [} and {@code &&} literally; Java nests and
 *       intersects. They are escaped, as is a {@code ]} that opens the class ({@code []a]}).
 *   <li>{@code (?P<name>...)} and {@code (?P=name)} become {@code (?<name>...)} and {@code
 *       \k<name>}; Python's {@code \Z} (end of input) becomes Java's {@code \z}.
 *   <li>Python's {@code \w}, {@code \d}, {@code \s}, {@code \b} and case folding are Unicode-aware
 *       and its {@code .}, {@code ^}, {@code $} know only {@code \n} as a line end: the pattern is
 *       compiled with {@link Pattern#UNICODE_CHARACTER_CLASS} and {@link Pattern#UNIX_LINES}.
 * </ul>
 *
 * <p>Callers that want Python's {@code re.match} use {@link java.util.regex.Matcher#lookingAt()}
 * (anchored at the start, not at the end).
 *
 * <p>Stateless and thread-safe.
 */
public final class PythonRegex {
  private PythonRegex() {}

  /**
   * Compiles a Python regular expression.
   *
   * @param pythonRegex never null
   * @return never null
   * @throws PatternSyntaxException when the expression is invalid
   */
  public static Pattern compile(String pythonRegex) {
    return Pattern.compile(
        translate(pythonRegex), Pattern.UNICODE_CHARACTER_CLASS | Pattern.UNIX_LINES);
  }

  /** The Java spelling of a Python regular expression; see the class comment. */
  static String translate(String py) {
    StringBuilder out = new StringBuilder(py.length() + 8);
    int n = py.length();
    int i = 0;
    boolean inClass = false;
    // Index in `py` of the first member of the current class: a ']' there is a literal.
    int classFirst = -1;
    while (i < n) {
      char c = py.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) {
          throw new PatternSyntaxException("bad escape (end of pattern)", py, i);
        }
        char escaped = py.charAt(i + 1);
        if (!inClass && escaped == 'Z') {
          out.append("\\z");
        } else {
          out.append(c).append(escaped);
        }
        i += 2;
        continue;
      }
      if (inClass) {
        if (c == ']' && i != classFirst) {
          inClass = false;
          out.append(']');
        } else if (c == '[' || c == '&' || c == ']') {
          out.append('\\').append(c);
        } else {
          out.append(c);
        }
        i++;
        continue;
      }
      switch (c) {
        case '[':
          inClass = true;
          out.append('[');
          i++;
          if (i < n && py.charAt(i) == '^') {
            out.append('^');
            i++;
          }
          classFirst = i;
          break;
        case '{':
          i = appendBrace(py, i, out);
          break;
        case '}':
          out.append("\\}");
          i++;
          break;
        case '(':
          if (py.startsWith("(?P<", i)) {
            out.append("(?<");
            i += 4;
          } else if (py.startsWith("(?P=", i)) {
            int close = py.indexOf(')', i);
            if (close < 0) {
              throw new PatternSyntaxException("missing ), unterminated name", py, i);
            }
            out.append("\\k<").append(py, i + 4, close).append('>');
            i = close + 1;
          } else {
            out.append('(');
            i++;
          }
          break;
        default:
          out.append(c);
          i++;
      }
    }
    return out.toString();
  }

  /**
   * Appends the brace at {@code py[open]}: a repetition if Python would read one there ({@code
   * {n}}, {@code {n,}}, {@code {,m}}, {@code {n,m}}, {@code {,}}), else an escaped literal.
   *
   * @return the index after what was consumed
   */
  private static int appendBrace(String py, int open, StringBuilder out) {
    int n = py.length();
    int j = open + 1;
    int loStart = j;
    while (j < n && isAsciiDigit(py.charAt(j))) {
      j++;
    }
    String lo = py.substring(loStart, j);
    String hi = null;
    if (j < n && py.charAt(j) == ',') {
      j++;
      int hiStart = j;
      while (j < n && isAsciiDigit(py.charAt(j))) {
        j++;
      }
      hi = py.substring(hiStart, j);
    }
    boolean closed = j < n && py.charAt(j) == '}';
    boolean empty = lo.isEmpty() && hi == null; // "{}" is a literal in Python
    if (!closed || empty) {
      out.append("\\{");
      return open + 1;
    }
    out.append('{').append(lo.isEmpty() ? "0" : lo);
    if (hi != null) {
      out.append(',').append(hi);
    }
    out.append('}');
    return j + 1;
  }

  private static boolean isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
