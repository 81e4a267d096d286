package org.vcsreplicator.consumer;

import java.nio.file.Path;
import java.util.Optional;
import org.vcsreplicator.message.WirePath;

/**
 * Where a mirror keeps and pulls a repository named on the wire: {@code [replicationrules]},
 * {@code [path_rewrites]} and {@code [pull_url_rewrites]} seen from the consumer. Implementations
 * do no filesystem writes.
 */
public interface MirrorRoutes {

  /**
   * The name of the {@code [replicationrules]} rule that keeps this repository off the mirror.
   *
   * @param repo never null
   * @return the rule name, or empty when the repository is replicated
   */
  Optional<String> filteredBy(WirePath repo);

  /**
   * The repository's place on this mirror. SPEC rule 6: a path that leaves its root after
   * rewriting ({@code ..}, an absolute escape, a symbolic link) is rejected here, before any
   * filesystem action.
   *
   * @param repo never null
   * @return never null
   * @throws RepoLocationException when the path cannot be mapped into a root (a permanent failure
   *     for the event)
   */
  RepoLocation locate(WirePath repo) throws RepoLocationException;

  /**
   * The repository's place below another root of this mirror, e.g. {@code todelete_path} where a
   * deleted repository is moved before removal: {@code {moz}/a/b} becomes {@code OTHER/a/b}.
   * Checked like {@link #locate}, and the result must stay strictly inside {@code otherRoot}.
   *
   * @param otherRoot an absolute directory, never null
   * @param repo never null
   * @return never null
   * @throws RepoLocationException when the path cannot be placed there
   */
  Path locateUnder(Path otherRoot, WirePath repo) throws RepoLocationException;
}
