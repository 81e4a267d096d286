package org.vcsreplicator.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.vcsreplicator.fs.FileTrees;

/**
 * The one directory that holds everything a sandbox run writes:
 *
 * <pre>
 * DATA/.vcsreplicator-sandbox   marker: this directory belongs to a sandbox (safe to wipe)
 * DATA/kafka/                   the broker's log (KRaft metadata and the topics)
 * DATA/amqp/                    the embedded AMQP broker's work directory (when used)
 * DATA/master/                  producer.ini, hgrc (hooks), web.conf, repos/ (canonical repositories)
 * DATA/mirrorN/                 consumer.ini, headsconsumer.ini, repos/
 * DATA/aggregator/              aggregator.ini (both stages), groups files
 * DATA/notifier/                notifier.ini
 * DATA/work/                    the working clone the demo pushes from
 * DATA/logs/sandbox.log         every daemon's log
 * </pre>
 *
 * A new run starts from an empty directory: a previous sandbox's data (recognised by the
 * marker) is removed first; a non-empty directory without the marker is refused, so a typo in
 * {@code --data-dir} never deletes someone's files.
 */
final class DataDirectory {
  static final String MARKER = ".vcsreplicator-sandbox";

  private DataDirectory() {}

  /**
   * Makes {@code dir} an empty sandbox directory.
   *
   * @return whether a previous sandbox's data was removed
   * @throws IOException when it cannot be created or cleared
   * @throws IllegalArgumentException when it is a non-empty directory that is not a sandbox's
   */
  static boolean prepare(Path dir) throws IOException {
    boolean removed = false;
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(dir + " exists and is not a directory");
      }
      boolean empty;
      try (Stream<Path> entries = Files.list(dir)) {
        empty = entries.findAny().isEmpty();
      }
      if (!empty) {
        if (!Files.exists(dir.resolve(MARKER))) {
          throw new IllegalArgumentException(dir + " is not empty and was not made by the sandbox ("
              + MARKER + " missing); choose another --data-dir or empty it");
        }
        FileTrees.deleteContents(dir);
        removed = true;
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKER),
        "Made by bin/vcsreplicator sandbox. Everything here is the sandbox's; delete the directory when done.\n");
    return removed;
  }
}
