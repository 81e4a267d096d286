package org.vcsreplicator.routing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import org.vcsreplicator.message.WirePath;

/**
 * Turns an untrusted wire path into the local directory of its repository, refusing anything that
 * would leave the root of its {@code [path_rewrites]} entry (SPEC rule 6: no message may make a
 * mirror create, write or delete outside its roots).
 *
 * <p>A wire path is accepted only when all of these hold:
 *
 * <ol>
 *   <li>a {@code [path_rewrites]} entry matches it (else {@link UnmappedPathException});
 *   <li>the part after the matched prefix has no {@code ..} segment;
 *   <li>the rewritten path, normalized, is strictly inside the entry's root (not the root itself,
 *       and not a sibling such as {@code /repo/hg/mozillax} from {@code {moz}x});
 *   <li>({@link #resolve} only) after following symbolic links it is still strictly inside the
 *       root's real path. For the part that does not exist yet, the nearest existing ancestor's
 *       real path is used; a dangling symbolic link on the way is refused, because creating a
 *       repository there would write wherever it points.
 * </ol>
 *
 * <p>This is the only class in the routing package that touches the filesystem, and it only reads
 * (existence and real paths). The check is made when an event is applied; a symbolic link swapped
 * in by a local user between the check and the use is out of its reach (mirror hosts are not
 * shared with untrusted local users; the threat is the message, not the host).
 *
 * <p>Immutable and thread-safe.
 */
public final class SafePathResolver {
  private final PathRewrites rewrites;

  /**
   * @param rewrites the mirror's {@code [path_rewrites]}, never null
   */
  public SafePathResolver(PathRewrites rewrites) {
    this.rewrites = Objects.requireNonNull(rewrites, "rewrites");
  }

  /**
   * Rules 1–3 only, without reading the filesystem.
   *
   * @param wirePath never null
   * @return the normalized local path, strictly inside its root, never null
   * @throws UnmappedPathException when no entry matches
   * @throws PathEscapesRootException when the path leaves its root
   */
  public Path resolveLexically(String wirePath) {
    return lexical(wirePath).path();
  }

  /**
   * Rules 1–4: the local path of the repository, safe to create, write or delete.
   *
   * @param wirePath never null
   * @return the normalized local path (symbolic links not replaced), never null
   * @throws UnmappedPathException when no entry matches
   * @throws PathEscapesRootException when the path leaves its root, also through a link
   * @throws UncheckedIOException when the filesystem cannot be read (e.g. permission denied)
   */
  public Path resolve(String wirePath) {
    Lexical lexical = lexical(wirePath);
    Path realRoot = realPath(wirePath, lexical.root(), lexical.root());
    Path real = realPath(wirePath, lexical.path(), lexical.root());
    if (!isStrictlyInside(real, realRoot)) {
      throw new PathEscapesRootException(
          wirePath,
          real.toString(),
          lexical.root(),
          "through a symbolic link; the root's real path is " + realRoot);
    }
    return lexical.path();
  }

  /**
   * The place a repository takes under another directory, e.g. the consumer's {@code
   * todelete_path} where a deleted repository is moved before removal: {@code {moz}/a/b} with
   * {@code {moz} = /repo/hg/mozilla} resolves under {@code /repo/hg/todelete} to {@code
   * /repo/hg/todelete/a/b}. The wire path is checked as by {@link #resolve(String)}, and the result
   * must be strictly inside {@code otherRoot}, also after following symbolic links.
   *
   * @param otherRoot an absolute directory, never null
   * @param wirePath never null
   * @return the normalized path under {@code otherRoot}, never null
   * @throws IllegalArgumentException when {@code otherRoot} is not absolute
   * @throws RejectedPathException when the path is unmapped or leaves a root
   * @throws UncheckedIOException when the filesystem cannot be read
   */
  public Path resolveUnder(Path otherRoot, String wirePath) {
    if (!otherRoot.isAbsolute()) {
      throw new IllegalArgumentException(otherRoot + " is not an absolute path");
    }
    resolve(wirePath); // the repository's own path must be safe before we place it elsewhere
    Lexical lexical = lexical(wirePath);
    Path root = otherRoot.normalize();
    Path target = root.resolve(lexical.root().relativize(lexical.path())).normalize();
    Path realRoot = realPath(wirePath, root, root);
    Path real = realPath(wirePath, target, root);
    if (!isStrictlyInside(target, root) || !isStrictlyInside(real, realRoot)) {
      throw new PathEscapesRootException(
          wirePath, real.toString(), root, "through a symbolic link; its real path is " + realRoot);
    }
    return target;
  }

  /**
   * Rules 1–4 for a typed wire path; see {@link #resolve(String)}.
   *
   * @param wirePath never null
   * @return the normalized local path, never null
   * @throws RejectedPathException when the path is unmapped or leaves its root
   * @throws UncheckedIOException when the filesystem cannot be read
   */
  public Path resolve(WirePath wirePath) {
    return resolve(wirePath.value());
  }

  /** The mirror's rewrites, never null. */
  public PathRewrites rewrites() {
    return rewrites;
  }

  private record Lexical(Path path, Path root) {}

  private Lexical lexical(String wirePath) {
    Objects.requireNonNull(wirePath, "wirePath");
    PathRewrites.Match match =
        rewrites.match(wirePath).orElseThrow(() -> new UnmappedPathException(wirePath));
    Path root = match.root();
    String rest = wirePath.substring(match.rewrite().prefix().length());
    for (String segment : rest.split("/", -1)) {
      if (segment.equals("..")) {
        throw new PathEscapesRootException(wirePath, match.localPath(), root, "'..' segment");
      }
    }
    Path local;
    try {
      local = Path.of(match.localPath()).normalize();
    } catch (InvalidPathException e) {
      throw new PathEscapesRootException(
          wirePath, match.localPath(), root, "not a valid path: " + e.getReason());
    }
    if (!isStrictlyInside(local, root)) {
      throw new PathEscapesRootException(
          wirePath, local.toString(), root, "not strictly inside the root");
    }
    return new Lexical(local, root);
  }

  private static boolean isStrictlyInside(Path path, Path root) {
    return path.startsWith(root) && !path.equals(root);
  }

  /**
   * The real path of {@code path}: the nearest existing ancestor's real path followed by the names
   * that do not exist yet.
   */
  private static Path realPath(String wirePath, Path path, Path root) {
    Deque<Path> missing = new ArrayDeque<>();
    Path existing = path;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      missing.push(existing.getFileName());
      existing = existing.getParent();
    }
    if (existing == null) {
      return path; // nothing exists, not even "/": no link can redirect anything
    }
    Path real;
    try {
      real = existing.toRealPath();
    } catch (NoSuchFileException e) {
      throw new PathEscapesRootException(
          wirePath, path.toString(), root, "dangling symbolic link at " + existing);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve " + existing + " for wire path " + wirePath, e);
    }
    while (!missing.isEmpty()) {
      real = real.resolve(missing.pop());
    }
    return real;
  }
}
