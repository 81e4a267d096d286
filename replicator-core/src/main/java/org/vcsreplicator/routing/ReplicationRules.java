package org.vcsreplicator.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vcsreplicator.message.WirePath;

/**
 * A mirror's {@code [replicationrules]}: which repositories it replicates (SPEC §4).
 *
 * <p>Rules are {@code include.NAME = re:REGEX | path:PATH} and {@code exclude.NAME = …}. The
 * decision for a wire path, in this order (as the original's {@code Config.filter}):
 *
 * <ol>
 *   <li>No rules at all: replicate, rule {@value #NO_FILTER}.
 *   <li>An {@code include} path rule equal to the path: replicate, that rule.
 *   <li>An {@code exclude} path rule equal to the path: filtered, that rule.
 *   <li>An include regex matches and no exclude regex does: replicate, the first matching include.
 *   <li>An exclude regex matches: filtered, the first matching exclude.
 *   <li>Otherwise: filtered, rule {@value #NO_INCLUDE} (also when there are only exclude rules).
 * </ol>
 *
 * <p>Regexes match at the start of the path only (Python {@code re.match}); "first" means file
 * order. The original joins the regexes into one alternation of named groups and reports the name
 * of the <em>first group in the alternation</em> even when another one matched; here the reported
 * name is the rule that actually matched, as the operators' documentation says. Duplicate path
 * rules of one kind keep the later name, as in the original.
 *
 * <p>Immutable and thread-safe.
 */
public final class ReplicationRules {
  /** Rule name reported when no rules are configured. */
  public static final String NO_FILTER = "nofilter";

  /** Rule name reported when rules exist and none includes the path. */
  public static final String NO_INCLUDE = "noinclude";

  private final List<Rule> rules;
  private final Map<String, String> pathIncludes = new HashMap<>();
  private final Map<String, String> pathExcludes = new HashMap<>();
  private final List<Compiled> regexIncludes = new ArrayList<>();
  private final List<Compiled> regexExcludes = new ArrayList<>();

  /**
   * @param rules in file order, never null
   */
  public ReplicationRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
    for (Rule rule : this.rules) {
      boolean include = rule.action() == Action.INCLUDE;
      if (rule.type() == Type.PATH) {
        (include ? pathIncludes : pathExcludes).put(rule.pattern(), rule.name());
      } else {
        (include ? regexIncludes : regexExcludes).add(new Compiled(rule.name(), rule.compile()));
      }
    }
  }

  /** No rules: every repository is replicated ({@value #NO_FILTER}). */
  public static ReplicationRules none() {
    return new ReplicationRules(List.of());
  }

  /**
   * Decides whether the repository at {@code wirePath} is replicated.
   *
   * @param wirePath never null
   * @return never null
   */
  public FilterDecision decide(String wirePath) {
    Objects.requireNonNull(wirePath, "wirePath");
    if (rules.isEmpty()) {
      return new FilterDecision(true, NO_FILTER);
    }
    String name = pathIncludes.get(wirePath);
    if (name != null) {
      return new FilterDecision(true, name);
    }
    name = pathExcludes.get(wirePath);
    if (name != null) {
      return new FilterDecision(false, name);
    }
    String include = firstMatch(regexIncludes, wirePath);
    String exclude = firstMatch(regexExcludes, wirePath);
    if (include != null && exclude == null) {
      return new FilterDecision(true, include);
    }
    if (exclude != null) {
      return new FilterDecision(false, exclude);
    }
    return new FilterDecision(false, NO_INCLUDE);
  }

  /**
   * Decides whether the repository at {@code wirePath} is replicated.
   *
   * @param wirePath never null
   * @return never null
   */
  public FilterDecision decide(WirePath wirePath) {
    return decide(wirePath.value());
  }

  private static String firstMatch(List<Compiled> candidates, String wirePath) {
    for (Compiled c : candidates) {
      if (c.pattern().matcher(wirePath).lookingAt()) {
        return c.name();
      }
    }
    return null;
  }

  /** The rules in file order, never null. */
  public List<Rule> rules() {
    return rules;
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicationRules other && rules.equals(other.rules);
  }

  @Override
  public int hashCode() {
    return rules.hashCode();
  }

  @Override
  public String toString() {
    return "ReplicationRules" + rules;
  }

  private record Compiled(String name, Pattern pattern) {}

  /** Whether a rule lets repositories in or keeps them out. */
  public enum Action {
    INCLUDE("include"),
    EXCLUDE("exclude");

    private final String word;

    Action(String word) {
      this.word = word;
    }

    /** The option name prefix: {@code include} or {@code exclude}. */
    public String word() {
      return word;
    }
  }

  /** How a rule's pattern is compared with the wire path. */
  public enum Type {
    /** {@code path:}: equality. */
    PATH("path"),
    /** {@code re:}: Python regex matched at the start. */
    REGEX("re");

    private final String word;

    Type(String word) {
      this.word = word;
    }

    /** The value prefix before the colon: {@code path} or {@code re}. */
    public String word() {
      return word;
    }
  }

  /**
   * One rule.
   *
   * @param action include or exclude, never null
   * @param name the rule's name (reported in the log), never null or empty
   * @param type path or regex, never null
   * @param pattern the path or the Python regex as written, never null
   */
  public record Rule(Action action, String name, Type type, String pattern) {
    public Rule {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(pattern, "pattern");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("rule name is empty");
      }
      if (type == Type.REGEX) {
        compileOrExplain(pattern);
      }
    }

    /**
     * Parses one {@code [replicationrules]} option.
     *
     * @param key the option name, {@code include.NAME} or {@code exclude.NAME}
     * @param value {@code re:REGEX} or {@code path:PATH} (split at the first colon)
     * @throws IllegalArgumentException with a one-line reason when malformed
     */
    public static Rule parse(String key, String value) {
      int dot = key.indexOf('.');
      Action action = null;
      if (dot > 0) {
        for (Action a : Action.values()) {
          if (a.word().equals(key.substring(0, dot))) {
            action = a;
          }
        }
      }
      if (action == null || dot == key.length() - 1) {
        throw new IllegalArgumentException("rule name must be include.NAME or exclude.NAME");
      }
      int colon = value.indexOf(':');
      Type type = null;
      if (colon > 0) {
        for (Type t : Type.values()) {
          if (t.word().equals(value.substring(0, colon))) {
            type = t;
          }
        }
      }
      if (type == null) {
        throw new IllegalArgumentException(
            "bad rule type in '" + value + "': expected re:REGEX or path:PATH");
      }
      return new Rule(action, key.substring(dot + 1), type, value.substring(colon + 1));
    }

    Pattern compile() {
      return compileOrExplain(pattern);
    }

    private static Pattern compileOrExplain(String regex) {
      try {
        return PythonRegex.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "bad regex '" + regex + "': " + e.getDescription() + " near index " + e.getIndex(), e);
      }
    }

    @Override
    public String toString() {
      return action.word() + "." + name + " = " + type.word() + ":" + pattern;
    }
  }
}
