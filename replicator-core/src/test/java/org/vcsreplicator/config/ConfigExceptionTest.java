package org.vcsreplicator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConfigExceptionTest {
  @Test
  void messageIsOneLineNamingFileSectionAndKey() {
    assertEquals(
        "/etc/vcsreplicator.ini: [consumer] group: missing required key",
        new ConfigException("/etc/vcsreplicator.ini", "consumer", "group", "missing required key")
            .getMessage());
  }

  @Test
  void omitsWhatIsUnknown() {
    assertEquals(
        "[consumer] group: missing required key",
        new ConfigException(null, "consumer", "group", "missing required key").getMessage());
    assertEquals(
        "f.ini: [path_rewrites]: bad", new ConfigException("f.ini", "path_rewrites", null, "bad")
            .getMessage());
    assertEquals(
        "environment: VCSREPLICATOR_RETRY_MAX_RETRIES: not an integer: 'x'",
        new ConfigException(
                ConfigException.ENVIRONMENT,
                null,
                "VCSREPLICATOR_RETRY_MAX_RETRIES",
                "not an integer: 'x'")
            .getMessage());
  }

  @Test
  void foldsNewlinesIntoOneLine() {
    ConfigException e = new ConfigException("f", "s", "k", "first\n  second\r\nthird");
    assertEquals("f: [s] k: first second third", e.getMessage());
    assertEquals("first second third", e.detail());
  }

  @Test
  void locatedInFillsOnlyWhatIsMissing() {
    ConfigException e = new ConfigException(null, null, "hosts", "no Kafka hosts listed");
    ConfigException located = e.locatedIn("f.ini", "consumer");
    assertEquals("f.ini: [consumer] hosts: no Kafka hosts listed", located.getMessage());
    ConfigException programs = new ConfigException(null, "programs", "hg", "must not be empty");
    assertEquals(
        "f.ini: [programs] hg: must not be empty",
        programs.locatedIn("f.ini", "consumer").getMessage());
  }
}
