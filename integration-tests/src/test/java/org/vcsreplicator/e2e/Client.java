package org.vcsreplicator.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFactory;
import org.vcsreplicator.hg.HgOptions;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;

/**
 * The developers: one working copy per master repository, committing and pushing over hg's ssh
 * protocol ({@code hg push ssh://localhost/MASTER}). The client side runs in hg command servers
 * to save a process start per commit; the master side of every push is a fresh
 * {@code hg serve --stdio} with the master's hooks, as in production. Thread-safe, but one working
 * copy must be driven by one thread at a time.
 */
final class Client implements AutoCloseable {
  private final Master master;
  private final Path dir;
  private final Hg hg;

  Client(Master master, Path dir) {
    this.master = master;
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      hg = HgFactory.open(HgOptions.defaults("hg")
          .withEnvironment(Map.of("HGRCPATH", master.clientHgrc.toString()))
          .withMaxServers(4));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (HgUnavailableException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The working copy for master repository {@code name}. */
  Path workingCopy(String name) {
    return dir.resolve(name.replace('/', '_'));
  }

  /** An empty working copy (the master repository is new and empty too). */
  Path init(String name) {
    Path wc = workingCopy(name);
    run(null, "init", wc.toString());
    return wc;
  }

  /** Writes a file and commits it; returns the new changeset's node. */
  String commit(String name, String file, String content) {
    Path wc = workingCopy(name);
    try {
      Path f = wc.resolve(file);
      Files.createDirectories(f.getParent());
      Files.writeString(f, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run(wc, "commit", "-A", "-m", "change " + file);
    return run(wc, "log", "-r", ".", "-T", "{node}").stdout().strip();
  }

  /** {@code hg update -C REV} in the working copy. */
  void update(String name, String rev) {
    run(workingCopy(name), "update", "-q", "-C", "-r", rev);
  }

  /** Any hg command in the working copy, asserted to succeed; returns stdout. */
  String hg(String name, String... args) {
    return run(workingCopy(name), args).stdout();
  }

  /**
   * {@code hg push ssh://localhost/MASTER EXTRA…}; hg's exit 1 ("no changes found", e.g. a
   * bookmark- or phase-only push) counts as success.
   *
   * @return the result (exit 0 or 1)
   */
  HgResult push(String name, String... extra) {
    HgResult r = tryPush(name, extra);
    if (r.exitCode() > 1) {
      throw new AssertionError("push to " + name + " failed (" + r.exitCode() + "):\n" + r.output());
    }
    return r;
  }

  /** Like {@link #push} but returns whatever happened (a refused push exits 255). */
  HgResult tryPush(String name, String... extra) {
    List<String> args = new ArrayList<>(List.of("push", "ssh://localhost/" + master.path(name)));
    args.addAll(List.of(extra));
    return call(workingCopy(name), args);
  }

  /** {@code hg pull ssh://localhost/MASTER} into the working copy. */
  void pull(String name) {
    HgResult r = call(workingCopy(name), List.of("pull", "-q", "ssh://localhost/" + master.path(name)));
    if (!r.succeeded()) {
      throw new AssertionError("pull from " + name + " failed:\n" + r.output());
    }
  }

  private HgResult run(Path repo, String... args) {
    HgResult r = call(repo, List.of(args));
    if (!r.succeeded()) {
      throw new AssertionError("hg " + String.join(" ", args) + " in " + repo + " exited " + r.exitCode() + ":\n"
          + r.output());
    }
    return r;
  }

  private HgResult call(Path repo, List<String> args) {
    try {
      return hg.run(repo, args);
    } catch (HgUnavailableException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    hg.close();
  }
}
