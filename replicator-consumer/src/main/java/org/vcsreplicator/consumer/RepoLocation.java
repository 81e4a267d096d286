package org.vcsreplicator.consumer;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A repository's place on a mirror, after the path-safety check of SPEC rule 6.
 *
 * @param root the configured root the repository lies in (absolute, normalized), never null
 * @param repo the repository directory, inside {@code root} and not equal to it, never null
 * @param pullUrl where to pull from ({@code [pull_url_rewrites]}); empty when no entry matches,
 *     in which case hg pulls from the repository's {@code default} path as the original did
 */
public record RepoLocation(Path root, Path repo, Optional<String> pullUrl) {
  public RepoLocation {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(repo, "repo");
    Objects.requireNonNull(pullUrl, "pullUrl");
    if (!repo.startsWith(root) || repo.equals(root)) {
      throw new IllegalArgumentException("repository " + repo + " is not inside its root " + root);
    }
  }

  /** The repository's path below its root, e.g. {@code users/foo/bar}; never null. */
  public Path relativePath() {
    return root.relativize(repo);
  }

  /** The pull source as hg takes it: the URL, or {@code default}. */
  String pullSource() {
    return pullUrl.orElse("default");
  }
}
