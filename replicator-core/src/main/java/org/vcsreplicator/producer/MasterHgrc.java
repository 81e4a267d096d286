package org.vcsreplicator.producer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The hgrc lines that install replication on a master: the extension (abandoned-transaction
 * recovery, unfiltered view for the replication user), the daemon's socket and the five hooks.
 * One text for every master, so {@code bin/vcsreplicator hgrc-snippet} and the sandbox install
 * exactly the same thing.
 */
public final class MasterHgrc {
  /** The hook module, relative to an installation's home. */
  public static final String MODULE = "hghooks/vcsreplicator_hghook.py";
  /** The extension's file name; it lives beside the hook module. */
  public static final String EXTENSION = "vcsreplicator_hgext.py";

  private MasterHgrc() {
  }

  /**
   * The snippet for a daemon on {@code socket}, the hook module at {@code module} and the
   * extension beside it; without {@code unfilteredUser} its line is left as a comment.
   */
  public static String snippet(String socket, Path module, Optional<String> unfilteredUser) {
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(module, "module");
    String python = "python:" + module + ":";
    return "[extensions]\n"
        + "vcsreplicator = " + extension(module) + "\n"
        + "\n"
        + "[replication]\n"
        + "# The login mirrors pull as sees hidden changesets too (a mirror behind can pull heads\n"
        + "# obsoleted since they were pushed).\n"
        + unfilteredUser.map(u -> "unfiltereduser = " + u + "\n").orElse("# unfiltereduser = vcsreplicator\n")
        + "\n"
        + "[replicationproducer]\n"
        + "socket = " + socket + "\n"
        + "\n"
        + "[hooks]\n"
        + "precommit.vcsreplicator = " + python + "precommit\n"
        + "pretxnopen.vcsreplicator = " + python + "pretxnopen\n"
        + "pretxnclose.vcsreplicator = " + python + "pretxnclose\n"
        + "pre-init.vcsreplicator = " + python + "preinit\n"
        + "post-init.vcsreplicator = " + python + "postinit\n";
  }

  /** The extension that belongs with hook module {@code module}. */
  public static Path extension(Path module) {
    return module.resolveSibling(EXTENSION);
  }
}
