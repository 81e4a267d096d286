package org.vcsreplicator.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitoredGroupsTest {
  @TempDir Path dir;

  @Test
  void parsesOneGroupPerLineIgnoringBlanksCommentsAndDuplicates() {
    String text = "hgweb1\n\n  hgweb2  \r\n# hgweb3 is being rebuilt\nhgweb1\n\t\nhgweb4";
    assertEquals(List.of("hgweb1", "hgweb2", "hgweb4"), MonitoredGroups.parse(text));
  }

  @Test
  void parsesEmptyText() {
    assertEquals(List.of(), MonitoredGroups.parse(""));
    assertEquals(List.of(), MonitoredGroups.parse("\n# only a comment\n  \n"));
  }

  @Test
  void readsFile() throws Exception {
    Path file = dir.resolve("groups");
    Files.writeString(file, "a\nb\n");
    MonitoredGroups groups = MonitoredGroups.read(file);
    assertEquals(List.of("a", "b"), groups.groups());
    assertEquals(file, groups.file());
  }

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("nope");
    GroupsFileException e = assertThrows(GroupsFileException.class, () -> MonitoredGroups.read(file));
    assertEquals("consumer groups file " + file + ": does not exist", e.getMessage());
  }

  @Test
  void fileWithoutGroupsIsRejected() throws Exception {
    Path file = dir.resolve("groups");
    Files.writeString(file, "# nobody\n\n");
    GroupsFileException e = assertThrows(GroupsFileException.class, () -> MonitoredGroups.read(file));
    assertEquals("consumer groups file " + file + ": lists no consumer group", e.getMessage());
  }

  @Test
  void fileThatIsNotUtf8IsRejected() throws Exception {
    Path file = dir.resolve("groups");
    Files.write(file, new byte[] {'a', '\n', (byte) 0xff, '\n'});
    GroupsFileException e = assertThrows(GroupsFileException.class, () -> MonitoredGroups.read(file));
    assertTrue(e.getMessage().endsWith("is not valid UTF-8"), e.getMessage());
  }

  @Test
  void directoryIsUnreadable() {
    GroupsFileException e = assertThrows(GroupsFileException.class, () -> MonitoredGroups.read(dir));
    assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
  }

  @Test
  void utf8GroupNamesSurvive() throws Exception {
    Path file = dir.resolve("groups");
    Files.write(file, "mirror-ü\n".getBytes(StandardCharsets.UTF_8));
    assertEquals(List.of("mirror-ü"), MonitoredGroups.read(file).groups());
  }
}
