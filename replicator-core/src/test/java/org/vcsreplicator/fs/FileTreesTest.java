package org.vcsreplicator.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  @Test
  void deletesATreeButNotWhatItsSymlinksPointTo() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path precious = Files.writeString(outside.resolve("precious"), "keep");
    Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.writeString(tree.resolve("f"), "x");
    Files.createSymbolicLink(tmp.resolve("tree/a/dirlink"), outside);
    Files.createSymbolicLink(tmp.resolve("tree/filelink"), precious);

    FileTrees.deleteTree(tmp.resolve("tree"));

    assertFalse(Files.exists(tmp.resolve("tree"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("keep", Files.readString(precious));
  }

  @Test
  void aSymlinkAsRootIsRemovedNotFollowed() throws IOException {
    Path target = Files.createDirectories(tmp.resolve("target"));
    Files.writeString(target.resolve("f"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), target);

    FileTrees.deleteTree(link);

    assertFalse(Files.exists(link, LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isRegularFile(target.resolve("f")));
  }

  @Test
  void aMissingPathIsFine() throws IOException {
    FileTrees.deleteTree(tmp.resolve("missing"));
    FileTrees.deleteContents(tmp.resolve("missing"));
    assertFalse(Files.exists(tmp.resolve("missing")));
  }

  @Test
  void deleteContentsKeepsTheDirectory() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep");
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    Files.createDirectories(dir.resolve("sub/deeper"));
    Files.writeString(dir.resolve("sub/deeper/f"), "x");
    Files.writeString(dir.resolve("top"), "x");
    Files.createSymbolicLink(dir.resolve("link"), outside);

    FileTrees.deleteContents(dir);

    assertTrue(Files.isDirectory(dir));
    try (Stream<Path> entries = Files.list(dir)) {
      assertEquals(0, entries.count());
    }
    assertTrue(Files.isRegularFile(outside.resolve("precious")));
  }
}
