package org.vcsreplicator.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule sets and outcomes of the original's test-filter.t, plus the precedence edges. */
class ReplicationRulesTest {
  private static ReplicationRules rules(String... keyValues) {
    List<ReplicationRules.Rule> list = new ArrayList<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      list.add(ReplicationRules.Rule.parse(keyValues[i], keyValues[i + 1]));
    }
    return new ReplicationRules(list);
  }

  /** test-filter.t's filtered-consumer.ini (the "mirror-like host"). */
  private static final ReplicationRules MIRROR_LIKE =
      rules(
          "include.projects", "re:\\{moz\\}/projects/.*",
          "include.central", "path:{moz}/mozilla-central",
          "exclude.unified", "path:{moz}/mozilla-unified",
          "exclude.users", "re:\\{moz\\}/users/.*");

  /** test-filter.t's filtered-consumer-default.ini. */
  private static final ReplicationRules DEFAULT_LIKE =
      rules("exclude.ash", "path:{moz}/projects/ash", "include.all", "re:\\{moz\\}/.*");

  @ParameterizedTest
  @CsvSource({
    "{moz}/mozilla-unified, false, unified",
    "{moz}/users/cosheehan_mozilla.com/vct, false, users",
    "{moz}/projects/ash, true, projects",
    "{moz}/mozilla-central, true, central",
    "{moz}/try, false, noinclude",
  })
  void mirrorLikeHost(String path, boolean replicates, String rule) {
    assertEquals(new FilterDecision(replicates, rule), MIRROR_LIKE.decide(path));
  }

  @ParameterizedTest
  @CsvSource({
    "{moz}/projects/ash, false, ash",
    "{moz}/mozilla-unified, true, all",
    "{moz}/mozilla-central, true, all",
    "{moz}/users/cosheehan_mozilla.com/vct, true, all",
    "{other}/x, false, noinclude",
  })
  void exactPathExcludeWinsOverRegexInclude(String path, boolean replicates, String rule) {
    assertEquals(new FilterDecision(replicates, rule), DEFAULT_LIKE.decide(path));
  }

  @Test
  void noRulesPassesEverything() {
    assertEquals(new FilterDecision(true, "nofilter"), ReplicationRules.none().decide("{moz}/x"));
  }

  @Test
  void onlyExcludeRulesFilterEverythingElseAsNoinclude() {
    ReplicationRules r = rules("exclude.users", "re:\\{moz\\}/users/");
    assertEquals(new FilterDecision(false, "users"), r.decide("{moz}/users/a"));
    assertEquals(new FilterDecision(false, "noinclude"), r.decide("{moz}/mozilla-central"));
  }

  @Test
  void includeAndExcludeRegexBothMatchingIsFilteredByTheExclude() {
    ReplicationRules r =
        rules("include.all", "re:\\{moz\\}/", "exclude.users", "re:\\{moz\\}/users/");
    assertEquals(new FilterDecision(false, "users"), r.decide("{moz}/users/a"));
  }

  @Test
  void pathIncludeWinsOverPathExcludeAndRegexExclude() {
    ReplicationRules r =
        rules(
            "exclude.byname", "path:{moz}/a",
            "include.byname2", "path:{moz}/a",
            "exclude.everything", "re:.*");
    assertEquals(new FilterDecision(true, "byname2"), r.decide("{moz}/a"));
  }

  @Test
  void pathRulesAreExactNotPrefixes() {
    assertEquals(
        new FilterDecision(false, "noinclude"), MIRROR_LIKE.decide("{moz}/mozilla-central2"));
  }

  @Test
  void regexMatchesAtTheStartOnlyAndIsNotAnchoredAtTheEnd() {
    ReplicationRules r = rules("include.try", "re:\\{moz\\}/try");
    assertEquals(new FilterDecision(true, "try"), r.decide("{moz}/try-comm-central"));
    assertEquals(new FilterDecision(false, "noinclude"), r.decide("x{moz}/try"));
  }

  @Test
  void reportsTheRegexRuleThatMatchedInFileOrder() {
    ReplicationRules r =
        rules(
            "include.top", "re:\\{moz\\}/mozilla-central$",
            "include.ci", "re:\\{moz\\}/ci/.*",
            "include.any", "re:\\{moz\\}/");
    assertEquals(new FilterDecision(true, "ci"), r.decide("{moz}/ci/ci-admin"));
    assertEquals(new FilterDecision(true, "any"), r.decide("{moz}/other"));
    assertEquals(new FilterDecision(true, "top"), r.decide("{moz}/mozilla-central"));
  }

  @Test
  void ruleNamesMayHaveDotsAndUnderscores() {
    ReplicationRules.Rule rule = ReplicationRules.Rule.parse("include.ci_admin.v2", "re:x:y");
    assertEquals("ci_admin.v2", rule.name());
    assertEquals("x:y", rule.pattern());
    assertEquals(ReplicationRules.Type.REGEX, rule.type());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "include | re:x | rule name must be include.NAME or exclude.NAME",
        "include. | re:x | rule name must be include.NAME or exclude.NAME",
        "allow.x | re:x | rule name must be include.NAME or exclude.NAME",
        "include.x | glob:x | bad rule type in 'glob:x'",
        "include.x | x | bad rule type in 'x'",
        "include.x | re:(x | bad regex '(x'",
      })
  void rejectsMalformedRules(String key, String value, String messageStart) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ReplicationRules.Rule.parse(key, value));
    assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
  }
}
