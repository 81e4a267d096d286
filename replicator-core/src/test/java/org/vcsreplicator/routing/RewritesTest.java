package org.vcsreplicator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vcsreplicator.message.WirePath;

class RewritesTest {
  private static final ProducerPathRewrites PRODUCER =
      new ProducerPathRewrites(
          List.of(
              new PrefixRewrite("/repo/hg/mozilla/users/", "{users}/"),
              new PrefixRewrite("/repo/hg/mozilla/", "{moz}/"),
              new PrefixRewrite("/Repo/Other/", "{other}/")));

  @ParameterizedTest
  @CsvSource({
    "/repo/hg/mozilla/mozilla-central, {moz}/mozilla-central",
    // case-insensitive prefix, case-preserving rest
    "/REPO/hg/Mozilla/Integration/Foo_Bar, {moz}/Integration/Foo_Bar",
    // first entry in file order wins
    "/repo/hg/mozilla/users/a/b, {users}/a/b",
    // a prefix written with capitals matches too (the original only lower-cases the local side)
    "/repo/other/x, {other}/x",
  })
  void producerRewritesLocalPathsToWirePaths(String local, String wire) {
    assertEquals(Optional.of(wire), PRODUCER.wirePathFor(local));
  }

  @ParameterizedTest
  @CsvSource({"/tmp/repo0", "/repo/hg/mozilla", "/repo/hg/mozillaX"})
  void producerRefusesPathsUnderNoEntry(String local) {
    // "/repo/hg/mozillaX" does start with "/repo/hg/mozilla" but the entry is "/repo/hg/mozilla/"
    assertEquals(Optional.empty(), PRODUCER.wirePathFor(local));
  }

  @Test
  void pullUrlJoinsTheRestAsItIs() {
    UrlRewrites pull = new UrlRewrites(List.of(new PrefixRewrite("{moz}", "ssh://hgssh")));
    assertEquals(Optional.of("ssh://hgssh/mozilla-central"), pull.urlFor("{moz}/mozilla-central"));
    UrlRewrites pub =
        new UrlRewrites(List.of(new PrefixRewrite("{moz}/", "https://hg.mozilla.org/")));
    assertEquals(
        Optional.of("https://hg.mozilla.org/integration/foo_Bar-baz"),
        pub.urlFor("{moz}/integration/foo_Bar-baz"));
    assertEquals(Optional.empty(), pub.urlFor("{other}/x"));
  }

  @Test
  void urlRewritesAreCaseSensitiveAndFirstMatchWins() {
    UrlRewrites r =
        new UrlRewrites(
            List.of(new PrefixRewrite("{moz}/a", "first"), new PrefixRewrite("{moz}", "second")));
    assertEquals(Optional.of("first/b"), r.urlFor("{moz}/a/b"));
    assertEquals(Optional.of("second/b"), r.urlFor("{moz}/b"));
    assertEquals(Optional.empty(), r.urlFor("{MOZ}/b"));
  }

  @Test
  void mirrorPathRewriteReplacesOnlyTheLeadingPrefix() {
    PathRewrites r = new PathRewrites(List.of(new PrefixRewrite("{moz}", "/repo/hg/mozilla")));
    // The original's str.replace would also rewrite the second "{moz}".
    assertEquals(
        Optional.of("/repo/hg/mozilla/a/{moz}/b"), r.localPathFor("{moz}/a/{moz}/b"));
    assertEquals(List.of(Path.of("/repo/hg/mozilla")), r.roots());
  }

  @Test
  void mirrorRootsMustBeAbsolute() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new PathRewrites(List.of(new PrefixRewrite("{moz}", "repos"))));
  }

  @Test
  void ignorePathsArePrefixes() {
    IgnorePaths ignore = new IgnorePaths(List.of("{moz}/private/"));
    assertEquals(true, ignore.isIgnored("{moz}/private/ignore"));
    assertEquals(Optional.of("{moz}/private/"), ignore.matchingPrefix("{moz}/private/x"));
    assertEquals(false, ignore.isIgnored("{moz}/privateer"));
  }

  @Test
  void typedWirePathsGiveTheSameAnswers() {
    WirePath wire = WirePath.of("{moz}/private/x");
    assertEquals(Optional.of(wire), PRODUCER.wirePathOf("/repo/hg/mozilla/private/x"));
    assertEquals(Optional.empty(), PRODUCER.wirePathOf("/tmp/x"));
    UrlRewrites pub = new UrlRewrites(List.of(new PrefixRewrite("{moz}/", "https://h/")));
    assertEquals(Optional.of("https://h/private/x"), pub.urlFor(wire));
    assertEquals(true, new IgnorePaths(List.of("{moz}/private/")).isIgnored(wire));
    ReplicationRules rules =
        new ReplicationRules(List.of(ReplicationRules.Rule.parse("exclude.p", "re:\\{moz\\}/private/")));
    assertEquals(new FilterDecision(false, "p"), rules.decide(wire));
    PartitionMap map = new PartitionMap(List.of(PartitionMap.Entry.parse("0", "0,1,2,3,4,5,6,7:.*")));
    assertEquals(map.partitionFor("{moz}/try"), map.partitionFor(WirePath.of("{moz}/try")));
  }
}
