package org.vcsreplicator.offsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vcsreplicator.offsets.Readings.reading;
import static org.vcsreplicator.offsets.Readings.unreadableReading;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The print-offsets table against the output of the original's {@code tabulate} (0.9.0, the version
 * the original pins); the first case is test-print-offsets.t itself.
 */
class OffsetsReportTest {

  private static String table(List<LagReading> readings) {
    return String.join("\n", OffsetsReport.table(readings)) + "\n";
  }

  @Test
  void inSyncTableIsTheOriginals() {
    assertEquals("""
        topic     group      partition    offset    available    lag (s)
        --------  -------  -----------  --------  -----------  ---------
        pushdata  hgweb0             0         1            1          0
        pushdata  hgweb0             1         0            0          0
        pushdata  hgweb0             2         1            1          0
        pushdata  hgweb0             3         0            0          0
        pushdata  hgweb0             4         0            0          0
        pushdata  hgweb0             5         0            0          0
        pushdata  hgweb0             6         0            0          0
        pushdata  hgweb0             7         0            0          0
        """, table(Readings.empty(8).inSync(0, 1).inSync(2, 1).build()));
  }

  @Test
  void lagColumnAlignsDecimalPointsAndUsesPythonGeneralFormat() {
    // Trailing spaces of the decimal alignment are cut at the end of each line.
    assertEquals("""
        topic     group      partition    offset    available       lag (s)
        --------  -------  -----------  --------  -----------  ------------
        pushdata  hgweb0             0         0            1   1.25
        pushdata  hgweb0             1         0            0   0
        pushdata  hgweb0             2         3           10   1.23457e+06
        pushdata  hgweb0             3         3           10   1.234e-05
        pushdata  hgweb0             4         3            4  -0.5
        """, table(List.of(
            reading("hgweb0", 0, 0, 1, 1.25),
            reading("hgweb0", 1, 0, 0, 0.0),
            reading("hgweb0", 2, 3, 10, 1234567.891),
            reading("hgweb0", 3, 3, 10, 0.00001234),
            reading("hgweb0", 4, 3, 4, -0.5))));
  }

  @Test
  void unreadableLagTurnsTheColumnIntoLeftAlignedText() {
    assertEquals("""
        topic     group                  partition    offset    available  lag (s)
        --------  -------------------  -----------  --------  -----------  ------------
        pushdata  hgweb0                         0         0            1  error
        pushdata  hgweb0                         1         0            0  0.0
        pushdata  a-much-longer-group            2         3           10  12.345678901
        """, table(List.of(
            unreadableReading("hgweb0", 0, 0, 1),
            reading("hgweb0", 1, 0, 0, 0.0),
            reading("a-much-longer-group", 2, 3, 10, 12.345678901))));
  }

  @Test
  void groupNamesThatReadAsNumbersAreAlignedAsNumbers() {
    assertEquals("""
        topic       group    partition    offset    available    lag (s)
        --------  -------  -----------  --------  -----------  ---------
        pushdata        1            0         0            1        0
        pushdata       22            1         0            0        0
        pushdata        1            2    100000       123456        3.5
        """, table(List.of(
            reading("1", 0, 0, 1, 0.0),
            reading("22", 1, 0, 0, 0.0),
            reading("1", 2, 100000, 123456, 3.5))));
    assertEquals("""
        topic       group    partition    offset    available    lag (s)
        --------  -------  -----------  --------  -----------  ---------
        pushdata      1.5            0         0            1          0
        pushdata      2              1         0            0          0
        """, table(List.of(reading("1.50", 0, 0, 1, 0.0), reading("2", 1, 0, 0, 0.0))));
  }

  @Test
  void emptyTableHasHeaderAndDashesOnly() {
    assertEquals("""
        topic    group    partition    offset    available    lag (s)
        -------  -------  -----------  --------  -----------  ---------
        """, table(List.of()));
  }

  @Test
  void jsonHasOneObjectPerRowWithNullForUnreadableLag() {
    assertEquals("[{\"available\": 1, \"group\": \"hgweb0\", \"lag_messages\": 1, \"lag_seconds\": 1.25, \"offset\": 0, "
            + "\"partition\": 0, \"topic\": \"pushdata\"}, "
            + "{\"available\": 0, \"group\": \"hgweb0\", \"lag_messages\": 0, \"lag_seconds\": 0.0, \"offset\": 0, "
            + "\"partition\": 1, \"topic\": \"pushdata\"}, "
            + "{\"available\": 7, \"group\": \"other\", \"lag_messages\": 4, \"lag_seconds\": null, \"offset\": 3, "
            + "\"partition\": 0, \"topic\": \"pushdata\"}]",
        OffsetsReport.json(List.of(
            reading("hgweb0", 0, 0, 1, 1.25),
            reading("hgweb0", 1, 0, 0, 0.0),
            unreadableReading("other", 0, 3, 7))));
  }

  @Test
  void jsonOfNothingIsAnEmptyList() {
    assertEquals("[]", OffsetsReport.json(List.of()));
  }
}
