package org.vcsreplicator.consumer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The consumer's Mercurial extension ({@code vcsreplicator_consumer_ext.py}, shipped in this jar):
 * makes a mirror's pull take the master's bookmarks as they are, never keeping a diverged local
 * bookmark as {@code NAME@N} (ORIGINAL-BEHAVIOURS, test-pushkey-bookmarks.t). hg loads extensions
 * from files, so it is copied to a private temporary file once per process.
 *
 * <p>Thread-safe.
 */
public final class ConsumerExtension {
  private static final String RESOURCE = "vcsreplicator_consumer_ext.py";
  private static volatile Path installed;

  private ConsumerExtension() {}

  /**
   * The path of the extension file, written on first use and deleted when the JVM exits.
   *
   * @return never null
   * @throws UncheckedIOException when the temporary file cannot be written
   */
  public static Path path() {
    Path p = installed;
    if (p != null) {
      return p;
    }
    synchronized (ConsumerExtension.class) {
      if (installed == null) {
        installed = install();
      }
      return installed;
    }
  }

  private static Path install() {
    try (InputStream in = ConsumerExtension.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " missing from the consumer jar");
      }
      Path dir = Files.createTempDirectory("vcsreplicator-hgext");
      Path file = dir.resolve(RESOURCE);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      // Deleted in reverse order of registration: the file first, then its directory.
      dir.toFile().deleteOnExit();
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the consumer's hg extension", e);
    }
  }
}
