package org.vcsreplicator.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.message.WirePath;

class BootstrapSnapshotTest {

  /** The document of test-bootstrap.t, byte for byte as the original printed it. */
  static final String ORIGINAL = "{\"offsets\": {\"0\": [6, 8], \"1\": [0, 0], \"2\": [10, 12], \"3\": [0, 0], "
      + "\"4\": [0, 0], \"5\": [0, 0], \"6\": [0, 0], \"7\": [0, 0]}, \"repositories\": [\"{moz}/deleterepo\", "
      + "\"{moz}/filterrepo\", \"{moz}/mozilla-central\", \"{moz}/testrepo\"]}";

  @Test
  void readsAndWritesTheOriginalsDocument() throws Exception {
    BootstrapSnapshot s = BootstrapSnapshot.parse(ORIGINAL, "hgssh.json");

    assertEquals(new OffsetWindow(6, 8), s.offsets().get(0));
    assertEquals(new OffsetWindow(10, 12), s.offsets().get(2));
    assertEquals(8, s.offsets().size());
    assertEquals(List.of(WirePath.of("{moz}/deleterepo"), WirePath.of("{moz}/filterrepo"),
        WirePath.of("{moz}/mozilla-central"), WirePath.of("{moz}/testrepo")), s.repositories());
    assertEquals(ORIGINAL, s.toJson());
  }

  @Test
  void sortsPartitionsAsPythonSortsTheirKeysAndRepositoriesByName() {
    TreeMap<Integer, OffsetWindow> offsets = new TreeMap<>();
    for (int p = 0; p < 11; p++) {
      offsets.put(p, new OffsetWindow(p, p + 1));
    }
    BootstrapSnapshot s = new BootstrapSnapshot(offsets, List.of(WirePath.of("{moz}/b"), WirePath.of("{moz}/a"),
        WirePath.of("{moz}/a")));

    // json.dumps(sort_keys=True) sorts the string keys: "10" comes before "2".
    assertTrue(s.toJson().startsWith("{\"offsets\": {\"0\": [0, 1], \"1\": [1, 2], \"10\": [10, 11], \"2\": [2, 3]"),
        s.toJson());
    assertTrue(s.toJson().endsWith("\"repositories\": [\"{moz}/a\", \"{moz}/b\"]}"), s.toJson());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "not json                                              | not a JSON document",
      "[]                                                    | expected a JSON object",
      "{\"repositories\": []}                                | \"offsets\" must be a non-empty object",
      "{\"offsets\": {\"x\": [0, 1]}, \"repositories\": []}  | is not a partition number",
      "{\"offsets\": {\"0\": [2, 1]}, \"repositories\": []}  | offsets.0 must be [start, end] with 0 <= start <= end, got [2,1]",
      "{\"offsets\": {\"0\": [0]}, \"repositories\": []}     | offsets.0 must be [start, end]",
      "{\"offsets\": {\"0\": [0.5, 1]}, \"repositories\": []}| offsets.0 must be [start, end]",
      "{\"offsets\": {\"0\": [0, 1]}}                        | \"repositories\" must be a list of wire paths",
      "{\"offsets\": {\"0\": [0, 1]}, \"repositories\": [1]} | \"repositories\" holds 1, not a wire path",
  })
  void rejectsAMalformedDocumentNamingWhatIsWrong(String json, String expected) {
    BootstrapException e = assertThrows(BootstrapException.class, () -> BootstrapSnapshot.parse(json, "snap.json"));
    assertTrue(e.getMessage().startsWith("snap.json: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
