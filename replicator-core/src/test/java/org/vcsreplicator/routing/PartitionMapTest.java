package org.vcsreplicator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Vectors computed with the Python producer's rule (md5 of the wire path, mod len(parts)). */
class PartitionMapTest {
  private static PartitionMap map(String... keyValues) {
    List<PartitionMap.Entry> entries = new java.util.ArrayList<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      entries.add(PartitionMap.Entry.parse(keyValues[i], keyValues[i + 1]));
    }
    return new PartitionMap(entries);
  }

  /** The map of the original's tests and of production. */
  private static final PartitionMap PRODUCTION =
      map(
          "2main", "0,1,2,3:.*",
          "0try", "4:\\{moz\\}\\/try",
          "1user", "5,6,7:\\{moz\\}\\/users\\/.*");

  @ParameterizedTest
  @CsvSource({
    "{moz}/mozilla-central, 2",
    "{moz}/try, 4",
    "{moz}/integration/autoland, 5",
    "{moz}/projects/ñandú, 5",
  })
  void hashesOverEightPartitions(String path, int partition) {
    assertEquals(OptionalInt.of(partition), map("0", "0,1,2,3,4,5,6,7:.*").partitionFor(path));
  }

  @ParameterizedTest
  @CsvSource({"{moz}/mozilla-central, 4", "{moz}/try, 1"})
  void hashesOverFivePartitions(String path, int partition) {
    assertEquals(OptionalInt.of(partition), map("0", "0,1,2,3,4:.*").partitionFor(path));
  }

  @ParameterizedTest
  @CsvSource({
    "{moz}/mozilla-central, 2",
    "{moz}/mc2, 2",
    "{moz}/repo0, 2",
    "{moz}/obs, 2",
    "{moz}/testrepo, 2",
    "{moz}/try, 4",
    "{moz}/mozilla-unified, 0",
    "{moz}/projects/ash, 0",
    "{moz}/deleterepo, 0",
    "{moz}/integration/foo_Bar-baz, 1",
    "{moz}/private/ignore, 3",
    "{moz}/users/foo, 7",
    "{moz}/users/cosheehan_mozilla.com/vct, 5",
  })
  void routesLikeTheOriginalsTestsWithTheProductionMap(String path, int partition) {
    assertEquals(OptionalInt.of(partition), PRODUCTION.partitionFor(path));
  }

  @Test
  void triesEntriesInSortedKeyOrderNotFileOrder() {
    // "2main" is listed first but "0try" sorts first, so try is not hashed over 0..3.
    assertEquals(List.of("0try", "1user", "2main"),
        PRODUCTION.entries().stream().map(PartitionMap.Entry::key).toList());
  }

  @Test
  void regexMatchesAtTheStartOnly() {
    // {moz}/try-comm-central starts with {moz}/try: re.match is not anchored at the end.
    assertEquals(OptionalInt.of(4), PRODUCTION.partitionFor("{moz}/try-comm-central"));
    PartitionMap onlyTry = map("0", "4:try");
    assertEquals(OptionalInt.empty(), onlyTry.partitionFor("{moz}/try"));
  }

  @Test
  void noMatchingEntryIsEmpty() {
    assertEquals(OptionalInt.empty(), map("a", "1:\\{moz\\}/").partitionFor("{other}/x"));
  }

  @Test
  void allPartitionsAreSortedAndDistinct() {
    PartitionMap m = map("a", "3,1,1:x", "b", "2,3:.*");
    assertEquals(List.of(1, 2, 3), m.allPartitions());
    assertEquals(1, m.lowestPartition());
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), PRODUCTION.allPartitions());
  }

  @Test
  void unescapedBracesAreLiteralAsInPython() {
    assertEquals(OptionalInt.of(3), map("a", "3:{moz}/.*").partitionFor("{moz}/x"));
  }

  @Test
  void partitionListMayHaveSpaces() {
    assertEquals(List.of(0, 1, 2), PartitionMap.Entry.parse("k", " 0 , 1,2 :.*").partitions());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0,1,2 | expected <partition>[,<partition>...]:<regex>",
        "a:.* | partition 'a' is not a non-negative integer",
        "-1:.* | partition '-1' is not a non-negative integer",
        "1,,2:.* | partition '' is not a non-negative integer",
        ":.* | partition '' is not a non-negative integer",
        "99999999999:.* | partition '99999999999' is too large",
        "1:(unclosed | bad regex '(unclosed'",
      })
  void rejectsMalformedEntries(String value, String messageStart) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PartitionMap.Entry.parse("k", value));
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void rejectsAnEmptyMap() {
    assertThrows(IllegalArgumentException.class, () -> new PartitionMap(List.of()));
  }
}
