package org.vcsreplicator.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PythonJsonTest {

  // Expected strings are Python 3's repr() of the same doubles.
  @ParameterizedTest
  @CsvSource({
      "1461646912.198106, 1461646912.198106",
      "1461646912.0, 1461646912.0",
      "1764126000.1234567, 1764126000.1234567",
      "0.1, 0.1",
      "2.5, 2.5",
      "100.0, 100.0",
      "0.0001, 0.0001",
      "0.00001, 1e-05",
      "0.000012345, 1.2345e-05",
      "1e15, 1000000000000000.0",
      "1e16, 1e+16",
      "1.5e16, 1.5e+16",
      "123456789012345678, 1.2345678901234568e+17",
      "-3.75, -3.75",
      "-0.0, -0.0",
      "0.0, 0.0",
      "1e22, 1e+22",
      "2e23, 2e+23",
      "5e-324, 5e-324",
  })
  void formatsFloatsLikePythonRepr(double value, String python) {
    assertEquals(python, PythonJson.pythonFloatRepr(value));
  }
}
