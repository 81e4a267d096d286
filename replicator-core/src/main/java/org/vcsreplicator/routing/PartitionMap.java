package org.vcsreplicator.routing;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.vcsreplicator.message.PythonStrings;
import org.vcsreplicator.message.WirePath;

/**
 * The producer's {@code partitionmap.<key> = <p>[,<p>…]:<regex>} entries: which Kafka partition
 * receives the events of a repository (SPEC §4, rule 1: all events of one repository go to the
 * same partition).
 *
 * <p>Rules, exactly as the Python producer applies them, so both route every repository alike:
 *
 * <ol>
 *   <li>Entries are tried in sorted order of {@code <key>} (code point order, as Python sorts).
 *   <li>The first entry whose regex matches at the start of the wire path (Python {@code re.match}:
 *       not anchored at the end) wins.
 *   <li>The partition is {@code parts[md5(wirePath as UTF-8) as an unsigned big integer mod
 *       len(parts)]}. Repeated partitions in one list are kept: they weight the choice.
 * </ol>
 *
 * <p>Example from production: {@code partitionmap.0try = 4:\{moz\}\/try}, {@code partitionmap.1user
 * = 5,6,7:\{moz\}\/users\/.*}, {@code partitionmap.2main = 0,1,2,3:.*}.
 *
 * <p>Invariant: at least one entry, every list non-empty, every partition non-negative. Immutable
 * and thread-safe.
 */
public final class PartitionMap {
  private final List<Entry> entries;
  private final List<Pattern> patterns; // patterns.get(i) is entries.get(i) compiled
  private final List<Integer> allPartitions;

  /**
   * @param entries in any order (they are sorted by key), at least one, keys distinct
   * @throws IllegalArgumentException when empty or a key repeats
   */
  public PartitionMap(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(Entry::key, PythonStrings.CODE_POINT_ORDER));
    if (sorted.isEmpty()) {
      throw new IllegalArgumentException("partitions not defined");
    }
    TreeSet<Integer> all = new TreeSet<>();
    List<Pattern> compiled = new ArrayList<>();
    for (int k = 0; k < sorted.size(); k++) {
      if (k > 0 && sorted.get(k).key().equals(sorted.get(k - 1).key())) {
        throw new IllegalArgumentException("duplicate partition map key " + sorted.get(k).key());
      }
      all.addAll(sorted.get(k).partitions());
      compiled.add(sorted.get(k).compile());
    }
    this.entries = List.copyOf(sorted);
    this.patterns = List.copyOf(compiled);
    this.allPartitions = List.copyOf(all);
  }

  /**
   * The partition that receives every event of the repository at {@code wirePath}.
   *
   * @param wirePath never null
   * @return the partition, or empty when no entry matches (the original aborts with {@code unable
   *     to map repo to partition} and the hint {@code define a partition map with a ".*"
   *     fallback})
   */
  public OptionalInt partitionFor(String wirePath) {
    Objects.requireNonNull(wirePath, "wirePath");
    for (int k = 0; k < entries.size(); k++) {
      if (patterns.get(k).matcher(wirePath).lookingAt()) {
        return OptionalInt.of(entries.get(k).pick(wirePath));
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The partition that receives every event of the repository at {@code wirePath}.
   *
   * @param wirePath never null
   * @return the partition, or empty when no entry matches
   */
  public OptionalInt partitionFor(WirePath wirePath) {
    return partitionFor(wirePath.value());
  }

  /**
   * Every partition named by any entry, ascending and distinct, never empty. Heartbeats go to each
   * of them ({@code hg sendheartbeat}); the first is where {@code hg init} writes its heartbeat.
   */
  public List<Integer> allPartitions() {
    return allPartitions;
  }

  /** The lowest mapped partition (where the original sends the heartbeat before an init). */
  public int lowestPartition() {
    return allPartitions.get(0);
  }

  /** The entries in the order they are tried, never null or empty. */
  public List<Entry> entries() {
    return entries;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionMap other && entries.equals(other.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  @Override
  public String toString() {
    return "PartitionMap" + entries;
  }

  /**
   * One {@code partitionmap.<key>} entry.
   *
   * @param key the part of the option name after {@code partitionmap.}, never null
   * @param partitions the candidate partitions in written order, non-empty, non-negative
   * @param regex the Python regular expression as written, never null
   */
  public record Entry(String key, List<Integer> partitions, String regex) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(regex, "regex");
      partitions = List.copyOf(partitions);
      if (partitions.isEmpty()) {
        throw new IllegalArgumentException("no partitions listed");
      }
      for (int p : partitions) {
        if (p < 0) {
          throw new IllegalArgumentException("partition " + p + " is negative");
        }
      }
    }

    /**
     * Parses an option value {@code <p>[,<p>…]:<regex>} (split at the first colon).
     *
     * @param key the part of the option name after {@code partitionmap.}
     * @param value the option value
     * @throws IllegalArgumentException with a one-line reason when the value is malformed or the
     *     regex does not compile
     */
    public static Entry parse(String key, String value) {
      int colon = value.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException(
            "expected <partition>[,<partition>...]:<regex>, got '" + value + "'");
      }
      List<Integer> parts = new ArrayList<>();
      for (String piece : value.substring(0, colon).split(",", -1)) {
        String p = piece.strip();
        if (p.isEmpty() || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
          throw new IllegalArgumentException(
              "partition '" + p + "' is not a non-negative integer (in '" + value + "')");
        }
        try {
          parts.add(Integer.parseInt(p));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("partition '" + p + "' is too large");
        }
      }
      Entry entry = new Entry(key, parts, value.substring(colon + 1));
      entry.compile(); // now: a bad regex must stop start-up, not the first push
      return entry;
    }

    /**
     * Compiles the regex.
     *
     * @throws IllegalArgumentException with a one-line reason when it does not compile
     */
    Pattern compile() {
      try {
        return PythonRegex.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "bad regex '" + regex + "': " + e.getDescription() + " near index " + e.getIndex(), e);
      }
    }

    int pick(String wirePath) {
      BigInteger hash = new BigInteger(1, md5(wirePath.getBytes(StandardCharsets.UTF_8)));
      return partitions.get(hash.mod(BigInteger.valueOf(partitions.size())).intValue());
    }
  }

  private static byte[] md5(byte[] bytes) {
    try {
      // Not cryptography: md5 only because the Python producer hashes with it.
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM provides MD5", e);
    }
  }
}
