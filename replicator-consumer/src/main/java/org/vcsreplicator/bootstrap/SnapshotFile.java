package org.vcsreplicator.bootstrap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads and writes a {@link BootstrapSnapshot} document. Stateless and thread-safe. */
public final class SnapshotFile {
  private SnapshotFile() {}

  /**
   * @throws BootstrapException when the file cannot be read or is not a snapshot
   */
  public static BootstrapSnapshot read(Path file) throws BootstrapException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BootstrapException("cannot read the snapshot " + file + ": " + e, e);
    }
    return BootstrapSnapshot.parse(text, file.toString());
  }

  /** Writes the document atomically, followed by a newline. */
  public static void write(Path file, BootstrapSnapshot snapshot) throws IOException {
    BootstrapAudit.writeAtomically(file, snapshot.toJson() + "\n");
  }
}
