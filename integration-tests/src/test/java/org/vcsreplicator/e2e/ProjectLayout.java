package org.vcsreplicator.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the source checkout is: the directory holding {@code hghooks/} (the hook module hg loads). */
final class ProjectLayout {
  static final String HOOK_MODULE = "hghooks/vcsreplicator_hghook.py";

  private ProjectLayout() {}

  /** The checkout's root, found upwards from the working directory (failsafe runs in the module). */
  static Path root() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(HOOK_MODULE))) {
        return dir;
      }
    }
    throw new IllegalStateException("no " + HOOK_MODULE + " above " + Path.of("").toAbsolutePath());
  }

  static Path hookModule() {
    return root().resolve(HOOK_MODULE);
  }
}
