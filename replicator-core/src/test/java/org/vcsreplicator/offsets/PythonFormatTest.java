package org.vcsreplicator.offsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden values printed by CPython 3.11: {@code format(x, 'g')}, {@code '%0.3f' % x}, {@code str(x)}. */
class PythonFormatTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      0.0                 | 0           | 0.000                 | 0.0
      -0.0                | -0          | -0.000                | -0.0
      1.234               | 1.234       | 1.234                 | 1.234
      1.0005              | 1.0005      | 1.000                 | 1.0005
      2.0005              | 2.0005      | 2.001                 | 2.0005
      0.0005              | 0.0005      | 0.001                 | 0.0005
      -0.0004             | -0.0004     | -0.000                | -0.0004
      1234567.891         | 1.23457e+06 | 1234567.891           | 1234567.891
      999999.5            | 1e+06       | 999999.500            | 999999.5
      100000.0            | 100000      | 100000.000            | 100000.0
      1.234e-05           | 1.234e-05   | 0.000                 | 1.234e-05
      0.0001              | 0.0001      | 0.000                 | 0.0001
      12.3456789          | 12.3457     | 12.346                | 12.3456789
      1e16                | 1e+16       | 10000000000000000.000 | 1e+16
      1e-05               | 1e-05       | 0.000                 | 1e-05
      123456.5            | 123456      | 123456.500            | 123456.5
      -1.5                | -1.5        | -1.500                | -1.5
      4.9e-324            | 4.94066e-324| 0.000                 | 5e-324
      1.25                | 1.25        | 1.250                 | 1.25
      0.30000000000000004 | 0.3         | 0.300                 | 0.30000000000000004
      NaN                 | nan         | nan                   | nan
      Infinity            | inf         | inf                   | inf
      -Infinity           | -inf        | -inf                  | -inf
      """)
  void formatsLikePython(double x, String general, String fixed3, String str) {
    assertEquals(general, PythonFormat.general(x), "format(x, 'g')");
    assertEquals(fixed3, PythonFormat.fixed(x, 3), "'%0.3f' % x");
    assertEquals(str, PythonFormat.str(x), "str(x)");
  }
}
