package org.vcsreplicator.consumer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.vcsreplicator.fs.FileTrees;
import org.vcsreplicator.hg.Hg;
import org.vcsreplicator.hg.HgFailureClassifier;
import org.vcsreplicator.hg.HgResult;
import org.vcsreplicator.hg.HgUnavailableException;

/**
 * Which repository requirements ({@code .hg/requires} entries) this mirror's hg can open, asked of
 * hg itself rather than of a list that would go stale with every hg release: it writes the
 * requirements into an empty scratch repository and lets {@code hg debugrequires} open it. hg
 * refuses unknown ones ({@code repository requires features unknown to this Mercurial: X}) and
 * ones it lacks a fast implementation for ({@code dirstate-v2}, {@code persistent-nodemap} on a
 * pure-Python hg), exactly as it would refuse a pulled-into repository later.
 *
 * <p>Answers are cached per requirement: a process's hg does not change. Thread-safe.
 */
final class RequirementSupport {

  /** Base format every scratch repository gets, so store-level checks run as for a real repo. */
  private static final List<String> BASE = List.of("revlogv1", "store", "fncache", "dotencode");

  /** Requirement names are short tokens; anything else is refused before it reaches a file. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,99}");

  /**
   * Requirement → {@code hg init} option producing it, for creating a mirror repository in the
   * master's format. Options set both ways so that the master's choice wins over hg's defaults.
   */
  private static final Map<String, String> INIT_TOGGLES = Map.of(
      "generaldelta", "format.usegeneraldelta",
      "sparserevlog", "format.sparse-revlog",
      "share-safe", "format.use-share-safe",
      "dotencode", "format.dotencode",
      "fncache", "format.usefncache",
      "store", "format.usestore");

  private final Hg hg;
  private final Map<String, Boolean> known = new ConcurrentHashMap<>();

  RequirementSupport(Hg hg) {
    this.hg = hg;
  }

  /**
   * The requirements among {@code requirements} this hg cannot open, each with hg's reason.
   *
   * @return e.g. {@code ["dirstate-v2 (abort: accessing `dirstate-v2` repository without …)"]};
   *     empty when all are supported; never null
   */
  List<String> unsupported(Collection<String> requirements) throws HgUnavailableException, IOException {
    List<String> bad = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (String requirement : requirements) {
      if (!NAME.matcher(requirement).matches()) {
        bad.add("'" + requirement + "' (not a requirement name)");
      } else if (Boolean.FALSE.equals(known.get(requirement))) {
        bad.add(requirement);
      } else if (!known.containsKey(requirement)) {
        unknown.add(requirement);
      }
    }
    if (unknown.isEmpty() || probe(unknown).isEmpty()) {
      unknown.forEach(r -> known.put(r, true));
      return bad;
    }
    // One of them is refused: find out which, so the error names each.
    for (String requirement : unknown) {
      String refusal = probe(Set.of(requirement));
      known.put(requirement, refusal.isEmpty());
      if (!refusal.isEmpty()) {
        bad.add(requirement + " (" + refusal + ")");
      }
    }
    return bad;
  }

  /** hg's refusal line for a repository with these requirements, or "" when hg opens it. */
  private String probe(Set<String> requirements) throws HgUnavailableException, IOException {
    Path scratch = Files.createTempDirectory("vcsreplicator-requirements");
    try {
      Path dotHg = Files.createDirectories(scratch.resolve(".hg").resolve("store"));
      Set<String> all = new LinkedHashSet<>(BASE);
      all.addAll(requirements);
      Files.writeString(scratch.resolve(".hg").resolve("requires"), String.join("\n", all) + "\n",
          StandardCharsets.US_ASCII);
      // With share-safe, hg also reads the store's file; an empty one adds nothing.
      Files.writeString(dotHg.resolve("requires"), "", StandardCharsets.US_ASCII);
      HgResult result = hg.run(scratch, "debugrequires");
      if (result.succeeded()) {
        return "";
      }
      return HgFailureClassifier.classify(result).message();
    } finally {
      FileTrees.deleteTree(scratch);
    }
  }

  /**
   * The {@code hg init} arguments (without the path) that create a repository with the master's
   * format: each requirement with a known option is switched on or off to match.
   */
  static List<String> initArguments(Collection<String> masterRequirements) {
    List<String> args = new ArrayList<>(List.of("init"));
    if (masterRequirements.isEmpty()) {
      return args; // nothing known about the master's format: hg's defaults
    }
    INIT_TOGGLES.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
        args.add("--config=" + e.getValue() + "=" + masterRequirements.contains(e.getKey())));
    args.add("--config=format.revlog-compression="
        + (masterRequirements.contains("revlog-compression-zstd") ? "zstd" : "zlib"));
    if (masterRequirements.contains("treemanifest")) {
      args.add("--config=experimental.treemanifest=true");
    }
    return args;
  }
}
