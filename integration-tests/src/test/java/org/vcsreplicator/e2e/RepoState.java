package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;

/**
 * What "a mirror equals the master" compares for one repository, read with hg: every changeset
 * (hidden ones too) with its phase, the bookmarks, the heads, and {@code .hg/hgrc}.
 *
 * @param changesets {@code "NODE PHASE"} lines, sorted
 * @param bookmarks bookmark name to node, sorted
 * @param heads head nodes, sorted
 * @param hgrc the repository's {@code .hg/hgrc}, empty when it has none
 */
record RepoState(List<String> changesets, TreeMap<String, String> bookmarks, Set<String> heads,
    Optional<String> hgrc) {

  /** Reads one repository with a short-lived hg whose only config is {@code hgrc}. */
  static RepoState read(Path hgrc, Path repo) {
    try (Hg hg = org.vcsreplicator.hg.HgFactory.open(org.vcsreplicator.hg.HgOptions.defaults("hg")
        .withEnvironment(java.util.Map.of("HGRCPATH", hgrc.toString())))) {
      return read(hg, repo);
    } catch (HgUnavailableException e) {
      throw new IllegalStateException(e);
    }
  }

  static RepoState read(Hg hg, Path repo) {
    List<String> changesets = lines(run(hg, repo, "log", "--hidden", "-r", "all()", "-T", "{node} {phase}\\n"))
        .stream().sorted().toList();
    TreeMap<String, String> bookmarks = new TreeMap<>();
    for (String line : lines(run(hg, repo, "bookmarks", "-T", "{bookmark} {node}\\n"))) {
      String[] parts = line.split(" ", 2);
      bookmarks.put(parts[0], parts[1]);
    }
    Set<String> heads = new TreeSet<>(lines(run(hg, repo, "log", "-r", "heads(all())", "-T", "{node}\\n")));
    Optional<String> hgrc;
    try {
      Path file = repo.resolve(".hg/hgrc");
      hgrc = Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new RepoState(changesets, bookmarks, heads, hgrc);
  }

  private static List<String> lines(HgResult r) {
    return r.stdout().lines().filter(l -> !l.isBlank()).toList();
  }

  private static HgResult run(Hg hg, Path repo, String... args) {
    try {
      HgResult r = hg.run(repo, args);
      if (!r.succeeded()) {
        throw new AssertionError("hg " + String.join(" ", args) + " in " + repo + ": " + r.output());
      }
      return r;
    } catch (HgUnavailableException e) {
      throw new IllegalStateException(e);
    }
  }
}
