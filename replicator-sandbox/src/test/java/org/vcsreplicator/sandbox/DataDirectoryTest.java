package org.vcsreplicator.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
  @TempDir Path tmp;

  @Test
  void createsAMissingDirectoryWithItsMarker() throws Exception {
    Path dir = tmp.resolve("a/b/sandbox-data");
    assertFalse(DataDirectory.prepare(dir));
    assertTrue(Files.isRegularFile(dir.resolve(DataDirectory.MARKER)));
  }

  @Test
  void removesAPreviousSandboxsDataButKeepsWhatALinkPointsTo() throws Exception {
    Path dir = tmp.resolve("sandbox-data");
    DataDirectory.prepare(dir);
    Files.createDirectories(dir.resolve("mirror1/repos/demo/.hg"));
    Files.writeString(dir.resolve("mirror1/repos/demo/.hg/requires"), "store\n");
    Path outside = Files.writeString(tmp.resolve("precious.txt"), "keep me");
    Files.createSymbolicLink(dir.resolve("link"), outside);

    assertTrue(DataDirectory.prepare(dir));

    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(dir.resolve(DataDirectory.MARKER)), left.toList());
    }
    assertEquals("keep me", Files.readString(outside));
  }

  @Test
  void refusesANonEmptyDirectoryThatIsNotASandboxs() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("home"));
    Path file = Files.writeString(dir.resolve("thesis.tex"), "\\documentclass{article}");

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataDirectory.prepare(dir));

    assertTrue(e.getMessage().contains("not made by the sandbox"), e.getMessage());
    assertTrue(Files.exists(file));
  }

  @Test
  void acceptsAnEmptyDirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    assertFalse(DataDirectory.prepare(dir));
    assertTrue(Files.exists(dir.resolve(DataDirectory.MARKER)));
  }
}
