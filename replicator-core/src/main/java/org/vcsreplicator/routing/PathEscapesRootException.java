package org.vcsreplicator.routing;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The local path a wire path rewrites to is not strictly inside the root of its {@code
 * [path_rewrites]} entry: through {@code ..}, a prefix that does not end at a directory boundary,
 * or a symbolic link pointing elsewhere.
 */
public final class PathEscapesRootException extends RejectedPathException {
  private final String resolved;
  private final Path root;

  /**
   * @param wirePath the wire path, never null
   * @param resolved the local path it rewrote (or resolved) to, never null
   * @param root the root it must stay in, never null
   * @param reason why it escapes, a short phrase, never null
   */
  public PathEscapesRootException(String wirePath, String resolved, Path root, String reason) {
    super(
        wirePath,
        "wire path "
            + wirePath
            + " resolves to "
            + resolved
            + ", outside root "
            + root
            + " ("
            + reason
            + ")");
    this.resolved = Objects.requireNonNull(resolved, "resolved");
    this.root = Objects.requireNonNull(root, "root");
  }

  /** The local path the wire path rewrote or resolved to, never null. */
  public String resolved() {
    return resolved;
  }

  /** The root the path had to stay in, never null. */
  public Path root() {
    return root;
  }
}
