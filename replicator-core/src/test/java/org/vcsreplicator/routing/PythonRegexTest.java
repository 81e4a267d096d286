package org.vcsreplicator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonRegexTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // python | java
        "\\{moz\\}\\/try | \\{moz\\}\\/try",
        "{moz}/.* | \\{moz\\}/.*",
        "a{2} | a{2}",
        "a{2,} | a{2,}",
        "a{,3} | a{0,3}",
        "a{2,3}? | a{2,3}?",
        "a{} | a\\{\\}",
        "a{x} | a\\{x\\}",
        "[[] | [\\[]",
        "[]a] | [\\]a]",
        "[^]a] | [^\\]a]",
        "[a&&b] | [a\\&\\&b]",
        "(?P<top>x)(?P=top) | (?<top>x)\\k<top>",
        "x\\Z | x\\z",
        "[\\]] | [\\]]",
      })
  void translatesPythonSyntax(String python, String java) {
    assertEquals(java, PythonRegex.translate(python));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "\\{moz\\}/((mozilla-(central|unified))|comm-central)$ ; {moz}/mozilla-central ; true",
        "\\{moz\\}/((mozilla-(central|unified))|comm-central)$ ; {moz}/mozilla-central2 ; false",
        "{moz}/projects/.* ; {moz}/projects/ash ; true",
        "a{,2}$ ; aaa ; false",
        "a{,2}$ ; aa ; true",
        "\\w+$ ; ñandú ; true",
      })
  void matchesLikePythonReMatch(String python, String input, boolean matches) {
    assertEquals(matches, PythonRegex.compile(python).matcher(input).lookingAt());
  }

  @Test
  void dollarAllowsAFinalNewlineButBackslashZDoesNot() {
    assertEquals(true, PythonRegex.compile("x$").matcher("x\n").lookingAt());
    assertEquals(false, PythonRegex.compile("x\\Z").matcher("x\n").lookingAt());
  }

  @Test
  void dotDoesNotMatchOnlyNewline() {
    // Python's '.' matches '\r' and U+2028; only '\n' is a line end.
    assertEquals(true, PythonRegex.compile("a.b").matcher("a\rb").lookingAt());
    assertEquals(false, PythonRegex.compile("a.b").matcher("a\nb").lookingAt());
  }

  @Test
  void rejectsInvalidExpressions() {
    assertThrows(PatternSyntaxException.class, () -> PythonRegex.compile("(a"));
    assertThrows(PatternSyntaxException.class, () -> PythonRegex.compile("a\\"));
    assertThrows(PatternSyntaxException.class, () -> PythonRegex.compile("*a"));
  }
}
