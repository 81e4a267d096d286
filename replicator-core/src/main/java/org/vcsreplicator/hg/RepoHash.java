package org.vcsreplicator.hg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.vcsreplicator.message.NodeId;
import org.vcsreplicator.obsolete.MalformedObsMarkersException;
import org.vcsreplicator.obsolete.ObsMarker;
import org.vcsreplicator.obsolete.ObsMarkers;

/**
 * A fingerprint of a repository, to prove that a mirror equals its master: the fields of the
 * original's {@code hg mozrepohash} (test-mozrepohash.t) with the same values, so fingerprints
 * from both implementations compare.
 *
 * <p>Hashes are SHA-256 in hex: {@code normal} over {@code "<rev>" + node} of every visible
 * revision, {@code unfiltered} the same over all revisions, {@code phases} over {@code "<rev>" +
 * node + "<phase>"} of all revisions, {@code heads} and {@code unfilteredHeads} over the sorted
 * heads (the null node for an empty repository), {@code pushlog} over the pushes of the pushlog
 * (empty without one). Nodes are the 20 binary bytes. With an {@code obsstore} file, also the
 * marker count, a hash of the sorted markers and a hash of the file itself ({@link ObsMarkers}
 * reads it: formats 0 and 1).
 *
 * @param obsolete present when the repository has an obsstore file
 */
public record RepoHash(
    int revisionsVisible,
    int revisionsTotal,
    int headsVisible,
    int headsTotal,
    String normal,
    String unfiltered,
    String phases,
    String heads,
    String unfilteredHeads,
    String pushlog,
    Optional<Obsolescence> obsolete) {

  /**
   * @param recordsCount markers in the obsstore
   * @param records hash of the markers in Python's sorted order
   * @param obsstore hash of {@code "obsstore"} followed by the file's bytes
   */
  public record Obsolescence(int recordsCount, String records, String obsstore) {}

  private static final byte[] NULL_NODE = new byte[20];
  private static final HexFormat HEX = HexFormat.of();

  public RepoHash {
    Objects.requireNonNull(obsolete, "obsolete");
  }

  /** The repository could not be fingerprinted; the message says why. */
  public static final class RepoHashException extends Exception {
    RepoHashException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Fingerprints the repository at {@code repo} with hg ({@code hg log} twice, one with {@code
   * --hidden}), its obsstore file and its pushlog database, if any.
   *
   * @param pushlog reads the pushlog database ({@code .hg/pushlog2.db}) when it exists
   * @throws RepoHashException when hg fails, or the obsstore or pushlog cannot be read
   */
  public static RepoHash compute(Hg hg, Path repo, PushlogReader pushlog) throws RepoHashException, HgUnavailableException {
    // All revisions with phase and parents in one run; the visible ones in another.
    List<String> all = lines(hg, repo, "--hidden", "log", "-r", "all()", "-T", "{rev} {node} {phaseidx} {p1.rev} {p2.rev}\\n");
    Set<Integer> visible = new HashSet<>();
    for (String line : lines(hg, repo, "log", "-r", "all()", "-T", "{rev}\\n")) {
      visible.add(Integer.parseInt(line));
    }
    TreeMap<Integer, byte[]> nodes = new TreeMap<>();
    Map<Integer, int[]> parents = new TreeMap<>();
    MessageDigest normal = sha256();
    MessageDigest unfiltered = sha256();
    MessageDigest phases = sha256();
    for (String line : all) {
      String[] f = line.split(" ");
      if (f.length != 5) {
        throw new RepoHashException("unexpected hg log line for " + repo + ": " + line, null);
      }
      int rev = Integer.parseInt(f[0]);
      byte[] node = HEX.parseHex(f[1]);
      nodes.put(rev, node);
      parents.put(rev, new int[] {Integer.parseInt(f[3]), Integer.parseInt(f[4])});
      unfiltered.update(ascii(f[0]));
      unfiltered.update(node);
      phases.update(ascii(f[0]));
      phases.update(node);
      phases.update(ascii(f[2]));
      if (visible.contains(rev)) {
        normal.update(ascii(f[0]));
        normal.update(node);
      }
    }
    List<byte[]> visibleHeads = heads(nodes, parents, visible);
    List<byte[]> allHeads = heads(nodes, parents, nodes.keySet());
    return new RepoHash(visible.size(), nodes.size(), visibleHeads.size(), allHeads.size(),
        hex(normal), hex(unfiltered), hex(phases), hashOf(visibleHeads), hashOf(allHeads),
        pushlogHash(pushlog, repo), obsolescence(repo));
  }

  /** The original's text output ({@code hg mozrepohash}); without the obsstore hash when not {@code raw}. */
  public List<String> lines(boolean raw) {
    List<String> out = new ArrayList<>(List.of(
        "visible revisions: " + revisionsVisible,
        "total revisions: " + revisionsTotal,
        "visible heads: " + headsVisible,
        "total heads: " + headsTotal,
        "normal repo hash: " + normal,
        "unfiltered repo hash: " + unfiltered,
        "phases hash: " + phases,
        "heads hash: " + heads,
        "unfiltered heads hash: " + unfilteredHeads,
        "pushlog hash: " + pushlog));
    obsolete.ifPresent(o -> {
      out.add("obsolete records count: " + o.recordsCount());
      out.add("obsolete records hash: " + o.records());
      if (raw) {
        out.add("obsstore hash: " + o.obsstore());
      }
    });
    return out;
  }

  /** The original's {@code -T json} output: a list of one object, keys sorted, hg's layout. */
  public String json(boolean raw) {
    TreeMap<String, Object> fields = new TreeMap<>();
    fields.put("revisions_visible", revisionsVisible);
    fields.put("revisions_total", revisionsTotal);
    fields.put("heads_visible", headsVisible);
    fields.put("heads_total", headsTotal);
    fields.put("normal", normal);
    fields.put("unfiltered", unfiltered);
    fields.put("phases", phases);
    fields.put("heads", heads);
    fields.put("unfiltered_heads", unfilteredHeads);
    fields.put("pushlog", pushlog);
    obsolete.ifPresent(o -> {
      fields.put("obsolete_records_count", o.recordsCount());
      fields.put("obsolete_records", o.records());
      if (raw) {
        fields.put("obsstore", o.obsstore());
      }
    });
    StringBuilder sb = new StringBuilder("[\n {\n");
    int i = 0;
    for (Map.Entry<String, Object> e : fields.entrySet()) {
      // Every value is a number or a hex string: nothing to escape.
      Object v = e.getValue();
      sb.append("  \"").append(e.getKey()).append("\": ")
          .append(v instanceof String ? "\"" + v + "\"" : v.toString())
          .append(++i < fields.size() ? ",\n" : "\n");
    }
    return sb.append(" }\n]\n").toString();
  }

  /** The revisions of {@code members} that are not a parent of another member; the null node when none. */
  private static List<byte[]> heads(TreeMap<Integer, byte[]> nodes, Map<Integer, int[]> parents, Set<Integer> members) {
    Set<Integer> hasChild = new HashSet<>();
    for (int rev : members) {
      for (int p : parents.get(rev)) {
        if (p >= 0 && members.contains(p)) {
          hasChild.add(p);
        }
      }
    }
    List<byte[]> heads = new ArrayList<>();
    for (int rev : members) {
      if (!hasChild.contains(rev)) {
        heads.add(nodes.get(rev));
      }
    }
    // As hg's changelog.heads(): an empty (or entirely hidden) history has the null revision as head.
    return heads.isEmpty() ? List.of(NULL_NODE) : heads;
  }

  private static String hashOf(List<byte[]> nodes) {
    MessageDigest d = sha256();
    nodes.stream().sorted(java.util.Arrays::compareUnsigned).forEach(d::update);
    return hex(d);
  }

  private static String pushlogHash(PushlogReader reader, Path repo) throws RepoHashException {
    MessageDigest d = sha256();
    List<PushlogReader.Push> pushes;
    try {
      pushes = reader.pushes(repo);
    } catch (IOException e) {
      throw new RepoHashException(e.getMessage(), e);
    }
    for (PushlogReader.Push push : pushes) {
      d.update(ascii(Long.toString(push.id())));
      d.update(ascii(Long.toString(push.when())));
      d.update(push.user());
      // The pushlog stores nodes as hex text; the original hashes them as such.
      push.nodes().forEach(n -> d.update(ascii(n)));
    }
    return hex(d);
  }

  private static Optional<Obsolescence> obsolescence(Path repo) throws RepoHashException {
    Path store = repo.resolve(".hg/store");
    Path file = (Files.isDirectory(store) ? store : repo.resolve(".hg")).resolve("obsstore");
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    byte[] data;
    List<ObsMarker> markers;
    try {
      data = Files.readAllBytes(file);
      // hg reads an empty obsstore as no markers.
      markers = new ArrayList<>(data.length == 0 ? List.of() : ObsMarkers.decode(data));
    } catch (IOException | MalformedObsMarkersException e) {
      throw new RepoHashException("cannot read " + file + ": " + e.getMessage(), e);
    }
    markers.sort(PYTHON_ORDER);
    MessageDigest records = sha256();
    for (ObsMarker m : markers) {
      records.update(m.precursor().toBytes());
      m.successors().forEach(n -> records.update(n.toBytes()));
      records.update(ascii(Integer.toString(m.flags())));
      for (Map.Entry<String, String> kv : m.metadata()) {
        records.update(utf8(kv.getKey()));
        records.update(utf8(kv.getValue()));
      }
      // Python's "%d" of a float truncates toward zero, as a cast does.
      records.update(ascii(Long.toString((long) m.date())));
      records.update(ascii(Integer.toString(m.timezoneOffset())));
      m.parents().ifPresent(ps -> ps.forEach(n -> records.update(n.toBytes())));
    }
    MessageDigest raw = sha256();
    raw.update(ascii("obsstore"));
    raw.update(data);
    return Optional.of(new Obsolescence(markers.size(), hex(records), hex(raw)));
  }

  /**
   * The order of Python's {@code sorted()} over hg's marker tuples {@code (precursor, successors,
   * flags, metadata, (date, tz), parents)}, bytes compared unsigned. Two markers equal up to their
   * parents, one with and one without parent data, cannot be compared in Python; "none" comes
   * first here.
   */
  static final Comparator<ObsMarker> PYTHON_ORDER = Comparator
      .comparing((ObsMarker m) -> m.precursor().toBytes(), Arrays::compareUnsigned)
      .thenComparing(ObsMarker::successors, RepoHash::compareNodes)
      .thenComparingInt(ObsMarker::flags)
      .thenComparing(ObsMarker::metadata, RepoHash::compareMetadata)
      .thenComparingDouble(ObsMarker::date)
      .thenComparingInt(ObsMarker::timezoneOffset)
      .thenComparing(m -> m.parents().orElse(null), Comparator.nullsFirst(RepoHash::compareNodes));

  private static int compareNodes(List<NodeId> a, List<NodeId> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      // Same order as the binary nodes: lowercase hex preserves byte order.
      int c = a.get(i).hex().compareTo(b.get(i).hex());
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareMetadata(List<Map.Entry<String, String>> a, List<Map.Entry<String, String>> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Arrays.compareUnsigned(utf8(a.get(i).getKey()), utf8(b.get(i).getKey()));
      if (c == 0) {
        c = Arrays.compareUnsigned(utf8(a.get(i).getValue()), utf8(b.get(i).getValue()));
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> lines(Hg hg, Path repo, String... args) throws RepoHashException, HgUnavailableException {
    HgResult r = hg.run(repo, args);
    if (!r.succeeded()) {
      throw new RepoHashException("hg " + String.join(" ", args) + " failed for " + repo + ": " + r.stderr().strip(), null);
    }
    return r.stdout().lines().filter(l -> !l.isBlank()).toList();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  private static String hex(MessageDigest d) {
    return HEX.formatHex(d.digest()).toLowerCase(Locale.ROOT);
  }
}
