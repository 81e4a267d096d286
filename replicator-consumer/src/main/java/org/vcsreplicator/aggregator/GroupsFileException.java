package org.vcsreplicator.aggregator;

import java.nio.file.Path;

/**
 * The file listing the monitored consumer groups cannot be used: it is missing, unreadable, or
 * lists no group. The message names the file and the problem.
 */
public final class GroupsFileException extends Exception {
  private final transient Path file;

  public GroupsFileException(Path file, String problem, Throwable cause) {
    super("consumer groups file " + file + ": " + problem, cause);
    this.file = file;
  }

  /** The groups file; never null. */
  public Path file() {
    return file;
  }
}
