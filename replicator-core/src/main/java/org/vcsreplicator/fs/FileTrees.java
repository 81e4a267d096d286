package org.vcsreplicator.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Deleting directory trees without following symbolic links: a link inside the tree (or the root
 * itself, if it is one) is removed, never what it points to, so a repository that links outside
 * itself cannot make a delete reach other data.
 */
public final class FileTrees {
  private FileTrees() {
  }

  /** Deletes {@code root} and everything below it; a missing path is fine. */
  public static void deleteTree(Path root) throws IOException {
    delete(root, true);
  }

  /** Deletes everything below directory {@code dir}, keeping {@code dir}; a missing path is fine. */
  public static void deleteContents(Path dir) throws IOException {
    delete(dir, false);
  }

  private static void delete(Path root, boolean includingRoot) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // walkFileTree does not follow links unless asked: a link (even as root) is visited as a file.
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        if (includingRoot || !dir.equals(root)) {
          Files.delete(dir);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
