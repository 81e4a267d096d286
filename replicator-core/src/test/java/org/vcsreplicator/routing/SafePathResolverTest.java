package org.vcsreplicator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vcsreplicator.message.WirePath;

class SafePathResolverTest {
  @TempDir Path tmp;
  private Path root;
  private Path outside;
  private SafePathResolver resolver;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("repos"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    resolver =
        new SafePathResolver(
            new PathRewrites(List.of(new PrefixRewrite("{moz}", root.toString()))));
  }

  @Test
  void resolvesPathsInsideTheRoot() {
    assertEquals(root.resolve("mozilla-central"), resolver.resolve("{moz}/mozilla-central"));
    assertEquals(
        root.resolve("users/a@b.com/vct"), resolver.resolve("{moz}/users/a@b.com/vct"));
    assertEquals(root.resolve("x"), resolver.resolveLexically("{moz}/x"));
    assertEquals(root.resolve("x"), resolver.resolve(WirePath.of("{moz}/x")));
  }

  @Test
  void resolvesThroughSymlinksThatStayInside() throws IOException {
    Path real = Files.createDirectories(root.resolve("real"));
    Files.createSymbolicLink(root.resolve("alias"), real);
    assertEquals(root.resolve("alias/repo"), resolver.resolve("{moz}/alias/repo"));
  }

  @Test
  void acceptsARootThatIsItselfASymlink() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("rootlink"), root);
    SafePathResolver viaLink =
        new SafePathResolver(
            new PathRewrites(List.of(new PrefixRewrite("{moz}", link.toString()))));
    assertEquals(link.resolve("x"), viaLink.resolve("{moz}/x"));
  }

  @Test
  void acceptsARootThatDoesNotExistYet() {
    SafePathResolver missing =
        new SafePathResolver(
            new PathRewrites(
                List.of(new PrefixRewrite("{moz}", tmp.resolve("not/yet").toString()))));
    assertEquals(tmp.resolve("not/yet/x"), missing.resolve("{moz}/x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{moz}/../etc", "{moz}/a/../../x", "{moz}/a/../b", "{moz}/..", "{moz}/x/.."})
  void rejectsDotDotSegments(String wirePath) {
    PathEscapesRootException e =
        assertThrows(PathEscapesRootException.class, () -> resolver.resolve(wirePath));
    assertEquals(wirePath, e.wirePath());
    assertEquals(root, e.root());
    assertTrue(e.getMessage().contains(wirePath), e.getMessage());
    assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("'..' segment"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{moz}", "{moz}/", "{moz}x", "{moz}-other/repo"})
  void rejectsTheRootItselfAndSiblingsOfIt(String wirePath) {
    PathEscapesRootException e =
        assertThrows(PathEscapesRootException.class, () -> resolver.resolveLexically(wirePath));
    assertTrue(e.getMessage().contains("not strictly inside the root"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "etc/passwd", "{MOZ}/x", "x{moz}/y"})
  void rejectsWirePathsNoRewriteMatches(String wirePath) {
    UnmappedPathException e =
        assertThrows(UnmappedPathException.class, () -> resolver.resolve(wirePath));
    assertEquals(
        "wire path " + wirePath + " matches no [path_rewrites] entry; refusing to use it as a"
            + " local path",
        e.getMessage());
  }

  @Test
  void absoluteLookingRestStaysInsideTheRoot() {
    // "{moz}//etc" is root + "//etc": the double slash collapses, it does not restart at "/".
    assertEquals(root.resolve("etc"), resolver.resolve("{moz}//etc"));
  }

  @Test
  void rejectsASymlinkInsideTheRootPointingOutside() throws IOException {
    Files.createSymbolicLink(root.resolve("escape"), outside);
    PathEscapesRootException e =
        assertThrows(PathEscapesRootException.class, () -> resolver.resolve("{moz}/escape/repo"));
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals(outside.toRealPath().resolve("repo").toString(), e.resolved());
    // Lexically it looks fine: only the filesystem check catches it.
    assertEquals(root.resolve("escape/repo"), resolver.resolveLexically("{moz}/escape/repo"));
  }

  @Test
  void rejectsARepoThatIsItselfASymlinkPointingOutside() throws IOException {
    Files.createSymbolicLink(root.resolve("repo"), outside);
    assertThrows(PathEscapesRootException.class, () -> resolver.resolve("{moz}/repo"));
  }

  @Test
  void rejectsASymlinkToTheRootItself() throws IOException {
    Files.createSymbolicLink(root.resolve("self"), root);
    assertThrows(PathEscapesRootException.class, () -> resolver.resolve("{moz}/self"));
  }

  @Test
  void rejectsADanglingSymlink() throws IOException {
    Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("missing"));
    PathEscapesRootException e =
        assertThrows(PathEscapesRootException.class, () -> resolver.resolve("{moz}/dangling"));
    assertTrue(e.getMessage().contains("dangling symbolic link"), e.getMessage());
    assertThrows(PathEscapesRootException.class, () -> resolver.resolve("{moz}/dangling/sub"));
  }

  @Test
  void picksTheRootOfTheMatchingEntry() throws IOException {
    Path other = Files.createDirectories(tmp.resolve("other"));
    SafePathResolver two =
        new SafePathResolver(
            new PathRewrites(
                List.of(
                    new PrefixRewrite("{moz}/", root + "/"),
                    new PrefixRewrite("{other}/", other + "/"))));
    assertEquals(other.resolve("x"), two.resolve("{other}/x"));
    // {moz}/ maps into root; a link from root into "other" still leaves root.
    Files.createSymbolicLink(root.resolve("jump"), other);
    assertThrows(PathEscapesRootException.class, () -> two.resolve("{moz}/jump/x"));
  }

  @Test
  void resolvesTheSameRepoUnderAnotherRoot() throws IOException {
    Path todelete = tmp.resolve("todelete");
    assertEquals(todelete.resolve("a/b"), resolver.resolveUnder(todelete, "{moz}/a/b"));
    SafePathResolver slash =
        new SafePathResolver(
            new PathRewrites(List.of(new PrefixRewrite("{moz}/", root + "/"))));
    assertEquals(todelete.resolve("a/b"), slash.resolveUnder(todelete, "{moz}/a/b"));
    assertThrows(PathEscapesRootException.class, () -> resolver.resolveUnder(todelete, "{moz}/../b"));
    assertThrows(UnmappedPathException.class, () -> resolver.resolveUnder(todelete, "/etc"));
    Files.createDirectories(todelete);
    Files.createSymbolicLink(todelete.resolve("a"), outside);
    assertThrows(PathEscapesRootException.class, () -> resolver.resolveUnder(todelete, "{moz}/a/b"));
  }
}
