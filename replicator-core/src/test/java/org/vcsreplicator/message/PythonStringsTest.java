package org.vcsreplicator.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PythonStringsTest {
  @Test
  void ordersByCodePointNotByUtf16Unit() {
    String halfwidth = "\uFF61";          // U+FF61
    String emoji = "\uD83D\uDE00";        // U+1F600, a surrogate pair in UTF-16
    assertTrue(emoji.compareTo(halfwidth) < 0, "UTF-16 order puts the surrogate first");
    assertTrue(PythonStrings.CODE_POINT_ORDER.compare(halfwidth, emoji) < 0);
    assertTrue(PythonStrings.CODE_POINT_ORDER.compare(emoji, halfwidth) > 0);
  }

  @Test
  void aPrefixSortsFirstAndEqualStringsCompareEqual() {
    List<String> keys = new ArrayList<>(List.of("ab", "", "a", "b", "a\uD83D\uDE00", "a\uFF61"));
    keys.sort(PythonStrings.CODE_POINT_ORDER);
    assertEquals(List.of("", "a", "ab", "a\uFF61", "a\uD83D\uDE00", "b"), keys);
    assertEquals(0, PythonStrings.CODE_POINT_ORDER.compare("x\uD83D\uDE00", "x\uD83D\uDE00"));
  }
}
