package org.vcsreplicator.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapAuditTest {
  @TempDir Path tmp;

  @Test
  void writesTheOriginalsFormatWithSortedKeys() throws Exception {
    Map<String, List<String>> problems = new TreeMap<>();
    problems.put("{moz}/filterrepo", List.of("filtered by rule testrule"));
    problems.put("{moz}/deleterepo", List.of("error triggering replication of Mercurial repo {moz}/deleterepo: x\ny"));
    Path file = tmp.resolve("audit.json");

    BootstrapAudit.write(file, problems);

    assertEquals("{\"{moz}/deleterepo\": [\"error triggering replication of Mercurial repo {moz}/deleterepo: x\\ny\"], "
        + "\"{moz}/filterrepo\": [\"filtered by rule testrule\"]}\n", Files.readString(file));
    assertEquals(List.of("audit.json"), Files.list(tmp).map(p -> p.getFileName().toString()).toList());
  }

  @Test
  void defaultsToTheOriginalsFileNameBesideTheConfig() {
    assertEquals(tmp.resolve("hgweb_bootstrap_out.json"), BootstrapAudit.defaultPath(tmp.resolve("vcsreplicator.ini")));
  }
}
