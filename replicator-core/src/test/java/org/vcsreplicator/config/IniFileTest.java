package org.vcsreplicator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IniFileTest {
  private static IniFile parse(String text) {
    return IniFile.parse("/etc/vcsreplicator.ini", text);
  }

  @Test
  void readsTheOriginalsMirrorConfig() {
    IniFile ini =
        parse(
            "[programs]\n"
                + "hg = /var/hg/venv_replication/bin/hg\n"
                + "\n"
                + "[consumer]\n"
                + "hosts = kafka1:9092, kafka2:9092\n"
                + "\n"
                + "connect_timeout = 10\n"
                + "poll_timeout = 2.0\n"
                + "client_id = hgweb1\n"
                + "topic = pushdata\n"
                + "\n"
                + "# Every machine acting on replication events needs its own group.\n"
                + "group = hgweb1\n"
                + "\n"
                + "[path_rewrites]\n"
                + "{moz} = /repo/hg/mozilla\n"
                + "\n"
                + "[pull_url_rewrites]\n"
                + "{moz}/ = ssh://hg.mozilla.org/\n"
                + "[replicationrules]\n"
                + "include.top = re:\\{moz\\}/((mozilla-(central|unified))|comm-central)$\n"
                + "include.vct = path:{moz}/hgcustom/version-control-tools\n");
    assertEquals(
        List.of("programs", "consumer", "path_rewrites", "pull_url_rewrites", "replicationrules"),
        ini.sections());
    assertEquals(Optional.of("kafka1:9092, kafka2:9092"), ini.get("consumer", "hosts"));
    assertEquals(Optional.of("hgweb1"), ini.get("consumer", "group"));
    assertEquals(Optional.of("/repo/hg/mozilla"), ini.get("path_rewrites", "{moz}"));
    assertEquals(
        Optional.of("re:\\{moz\\}/((mozilla-(central|unified))|comm-central)$"),
        ini.get("replicationrules", "include.top"));
    assertEquals(
        List.of("include.top", "include.vct"),
        ini.entries("replicationrules").stream().map(IniFile.Entry::key).toList());
    assertEquals(21, ini.entries("replicationrules").get(0).line());
  }

  @Test
  void splitsAtTheFirstEqualsOrColon() {
    IniFile ini = parse("[s]\na: b = c\nd = e: f\ng=\nh :i\n");
    assertEquals(Optional.of("b = c"), ini.get("s", "a"));
    assertEquals(Optional.of("e: f"), ini.get("s", "d"));
    assertEquals(Optional.of(""), ini.get("s", "g"));
    assertEquals(Optional.of("i"), ini.get("s", "h"));
  }

  @Test
  void keepsKeyCaseButLooksUpIgnoringCase() {
    IniFile ini = parse("[replicationproducer]\npartitionmap.0Try = 4:x\n");
    assertEquals("partitionmap.0Try", ini.entries("replicationproducer").get(0).key());
    assertEquals("partitionmap.0try", ini.entries("replicationproducer").get(0).lowerKey());
    assertEquals(Optional.of("4:x"), ini.get("replicationproducer", "PARTITIONMAP.0TRY"));
  }

  @Test
  void sectionNamesAreCaseSensitive() {
    IniFile ini = parse("[Consumer]\na = 1\n");
    assertTrue(ini.hasSection("Consumer"));
    assertFalse(ini.hasSection("consumer"));
    assertEquals(Optional.empty(), ini.get("consumer", "a"));
  }

  @Test
  void commentsAreWholeLinesOnly() {
    IniFile ini = parse("# top\n[s]\n; semicolon\n  # indented comment\na = b # not a comment\n");
    assertEquals(Optional.of("b # not a comment"), ini.get("s", "a"));
    assertEquals(1, ini.entries("s").size());
  }

  @Test
  void indentedLinesContinueTheValue() {
    IniFile ini = parse("[s]\na = one\n  two\n\n  # comment\n  three\n\nb = x\n   \n");
    assertEquals(Optional.of("one\ntwo\n\nthree"), ini.get("s", "a"));
    assertEquals(Optional.of("x"), ini.get("s", "b"));
  }

  @Test
  void defaultSectionIsAFallbackForLookups() {
    IniFile ini = parse("[DEFAULT]\nconnect_timeout = 5\n[consumer]\ntopic = t\n");
    assertEquals(Optional.of("5"), ini.get("consumer", "connect_timeout"));
    assertEquals(List.of("consumer"), ini.sections());
    assertEquals(1, ini.entries("consumer").size());
    assertEquals(Optional.empty(), ini.get("missing", "connect_timeout"));
  }

  @Test
  void acceptsWindowsLineEndingsAndAByteOrderMark() {
    IniFile ini = parse("\uFEFF[s]\r\na = 1\r\nb = 2\r\n");
    assertEquals(Optional.of("1"), ini.get("s", "a"));
    assertEquals(Optional.of("2"), ini.get("s", "b"));
  }

  @Test
  void missingSectionReadsAsEmpty() {
    IniFile ini = parse("");
    assertEquals(List.of(), ini.entries("path_rewrites"));
    assertEquals(List.of(), ini.sections());
  }

  @Test
  void rejectsAnOptionBeforeAnySection() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("a = 1\n[s]\n"));
    assertEquals(
        "/etc/vcsreplicator.ini: line 1: option outside any section; the file must start with"
            + " [section]",
        e.getMessage());
  }

  @Test
  void rejectsALineWithoutDelimiter() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("[s]\na = 1\njunk\n"));
    assertEquals(
        "/etc/vcsreplicator.ini: [s]: line 3: expected 'key = value', got 'junk'", e.getMessage());
    assertEquals("s", e.section());
  }

  @Test
  void rejectsDuplicateOptionsIgnoringCase() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> parse("[consumer]\ngroup = a\nGROUP = b\n"));
    assertEquals(
        "/etc/vcsreplicator.ini: [consumer] GROUP: line 3: duplicate option (first set on line 2)",
        e.getMessage());
    assertEquals("GROUP", e.key());
  }

  @Test
  void rejectsDuplicateSections() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> parse("[consumer]\n[x]\n[consumer]\n"));
    assertEquals(
        "/etc/vcsreplicator.ini: [consumer]: line 3: duplicate section", e.getMessage());
  }

  @Test
  void rejectsAnEmptyOptionName() {
    assertThrows(ConfigException.class, () -> parse("[s]\n= value\n"));
  }

  @Test
  void loadNamesAMissingFile(@TempDir Path tmp) {
    Path missing = tmp.resolve("nope.ini");
    ConfigException e = assertThrows(ConfigException.class, () -> IniFile.load(missing));
    assertEquals(missing + ": config file does not exist", e.getMessage());
    assertEquals(missing.toString(), e.source());
  }

  @Test
  void loadRejectsInvalidUtf8(@TempDir Path tmp) throws IOException {
    Path file = Files.write(tmp.resolve("bad.ini"), new byte[] {'[', 's', ']', '\n', (byte) 0xff});
    ConfigException e = assertThrows(ConfigException.class, () -> IniFile.load(file));
    assertEquals(file + ": config file is not valid UTF-8", e.getMessage());
  }

  @Test
  void loadReadsUtf8(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("ok.ini"), "[public_url_rewrites]\n{moz}/ = ñ\n");
    IniFile ini = IniFile.load(file);
    assertEquals(file.toString(), ini.source());
    assertEquals(Optional.of("ñ"), ini.get("public_url_rewrites", "{moz}/"));
  }
}
