package org.vcsreplicator.bootstrap;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.vcsreplicator.codec.PythonJson;

/**
 * The audit file of a mirror bootstrap: a JSON object mapping each repository that needs an
 * operator's attention to its problems, in the original's format ({@code
 * {"{moz}/filterrepo": ["filtered by rule testrule"], …}}, keys sorted). Written only when there
 * are problems; by default next to the mirror's configuration, named as the original's {@code
 * hgweb_bootstrap_out.json}.
 *
 * <p>Stateless and thread-safe.
 */
public final class BootstrapAudit {
  /** The original's file name (it wrote {@code /repo/hg/hgweb_bootstrap_out.json}). */
  public static final String DEFAULT_FILE_NAME = "hgweb_bootstrap_out.json";

  private BootstrapAudit() {}

  /** The default audit file for a configuration file: beside it; never null. */
  public static Path defaultPath(Path config) {
    Path dir = config.toAbsolutePath().normalize().getParent();
    return dir.resolve(DEFAULT_FILE_NAME);
  }

  /** The audit document; never null. */
  public static String toJson(Map<String, List<String>> problems) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    problems.forEach((repo, messages) -> {
      ArrayNode list = root.putArray(repo);
      messages.forEach(list::add);
    });
    return PythonJson.write(root);
  }

  /**
   * Writes the audit document to {@code file} atomically (a temporary file beside it, then a
   * rename), so a reader never sees half of it.
   *
   * @throws IOException when it cannot be written
   */
  public static void write(Path file, Map<String, List<String>> problems) throws IOException {
    writeAtomically(file, toJson(problems) + "\n");
  }

  /** Writes {@code text} to {@code file} through a temporary file and a rename. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path target = file.toAbsolutePath().normalize();
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
