package org.vcsreplicator.producer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A master repository the configuration does not replicate. Its message and hint are the lines
 * hg prints ({@code abort: MESSAGE} / {@code (HINT)}), in the original's words.
 */
public class RepoNotReplicatedException extends Exception {
  private final Path repo;
  private final String hint;

  public RepoNotReplicatedException(Path repo, String message, String hint) {
    super(message);
    this.repo = Objects.requireNonNull(repo, "repo");
    this.hint = Objects.requireNonNull(hint, "hint");
  }

  /** The repository's local path; never null. */
  public Path repo() {
    return repo;
  }

  /** What to do about it; never null. */
  public String hint() {
    return hint;
  }
}
