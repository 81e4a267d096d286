package org.vcsreplicator.config;

import java.util.ArrayList;
import java.util.List;
import org.vcsreplicator.routing.IgnorePaths;
import org.vcsreplicator.routing.PartitionMap;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.PrefixRewrite;
import org.vcsreplicator.routing.ProducerPathRewrites;
import org.vcsreplicator.routing.ReplicationRules;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * Reads the routing sections of an {@link IniFile} into the compiled {@code routing} types. A
 * missing section reads as "no entries". Option-name case follows the original (see the package
 * comment): lower-cased for the sections Python's {@code RawConfigParser} read, kept for the ones
 * Mercurial read.
 *
 * <p>Stateless and thread-safe.
 */
public final class RoutingSections {
  public static final String PATH_REWRITES = "path_rewrites";
  public static final String PULL_URL_REWRITES = "pull_url_rewrites";
  public static final String PUBLIC_URL_REWRITES = "public_url_rewrites";
  public static final String REPLICATION_RULES = "replicationrules";
  public static final String IGNORE_PATHS = "ignore_paths";
  public static final String REPLICATION_PATH_REWRITES = "replicationpathrewrites";

  /** Prefix of the partition map options in {@code [replicationproducer]}. */
  public static final String PARTITION_MAP_PREFIX = "partitionmap.";

  private RoutingSections() {}

  /**
   * {@code [path_rewrites]}: wire prefix to absolute local directory.
   *
   * @throws ConfigException when a directory is not an absolute path
   */
  public static PathRewrites pathRewrites(IniFile ini) {
    List<PrefixRewrite> entries = new ArrayList<>();
    for (IniFile.Entry e : ini.entries(PATH_REWRITES)) {
      try {
        PathRewrites.rootOf(e.value());
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(ini.source(), PATH_REWRITES, e.key(), ex.getMessage(), ex);
      }
      entries.add(new PrefixRewrite(e.lowerKey(), e.value()));
    }
    return new PathRewrites(entries);
  }

  /** {@code [pull_url_rewrites]}: wire prefix to the URL prefix mirrors pull from. */
  public static UrlRewrites pullUrlRewrites(IniFile ini) {
    return urlRewrites(ini, PULL_URL_REWRITES);
  }

  /** {@code [public_url_rewrites]}: wire prefix to the public URL prefix in notifications. */
  public static UrlRewrites publicUrlRewrites(IniFile ini) {
    return urlRewrites(ini, PUBLIC_URL_REWRITES);
  }

  private static UrlRewrites urlRewrites(IniFile ini, String section) {
    List<PrefixRewrite> entries = new ArrayList<>();
    for (IniFile.Entry e : ini.entries(section)) {
      entries.add(new PrefixRewrite(e.lowerKey(), e.value()));
    }
    return new UrlRewrites(entries);
  }

  /**
   * {@code [replicationrules]}; rule names are lower-cased as the original reports them.
   *
   * @throws ConfigException when an option name, rule type or regex is invalid
   */
  public static ReplicationRules replicationRules(IniFile ini) {
    List<ReplicationRules.Rule> rules = new ArrayList<>();
    for (IniFile.Entry e : ini.entries(REPLICATION_RULES)) {
      try {
        rules.add(ReplicationRules.Rule.parse(e.lowerKey(), e.value()));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(ini.source(), REPLICATION_RULES, e.key(), ex.getMessage(), ex);
      }
    }
    return new ReplicationRules(rules);
  }

  /** {@code [ignore_paths]}: the option names are the wire prefixes; values are ignored. */
  public static IgnorePaths ignorePaths(IniFile ini) {
    List<String> prefixes = new ArrayList<>();
    for (IniFile.Entry e : ini.entries(IGNORE_PATHS)) {
      prefixes.add(e.lowerKey());
    }
    return new IgnorePaths(prefixes);
  }

  /** {@code [replicationpathrewrites]}: local prefix (case kept, matched ignoring case) to wire. */
  public static ProducerPathRewrites producerPathRewrites(IniFile ini) {
    List<PrefixRewrite> entries = new ArrayList<>();
    for (IniFile.Entry e : ini.entries(REPLICATION_PATH_REWRITES)) {
      entries.add(new PrefixRewrite(e.key(), e.value()));
    }
    return new ProducerPathRewrites(entries);
  }

  /**
   * The {@code partitionmap.*} options of {@code section}, keys kept as written.
   *
   * @throws ConfigException with the original's text {@code <section>.partitionmap.* config
   *     options not set} when there are none, or naming the option whose value is malformed
   */
  public static PartitionMap partitionMap(IniFile ini, String section) {
    List<PartitionMap.Entry> entries = new ArrayList<>();
    for (IniFile.Entry e : ini.entries(section)) {
      if (!e.key().startsWith(PARTITION_MAP_PREFIX)) {
        continue;
      }
      try {
        entries.add(
            PartitionMap.Entry.parse(e.key().substring(PARTITION_MAP_PREFIX.length()), e.value()));
      } catch (IllegalArgumentException ex) {
        throw new ConfigException(ini.source(), section, e.key(), ex.getMessage(), ex);
      }
    }
    if (entries.isEmpty()) {
      throw new ConfigException(
          ini.source(),
          section,
          PARTITION_MAP_PREFIX + "*",
          section + "." + PARTITION_MAP_PREFIX + "* config options not set");
    }
    return new PartitionMap(entries);
  }
}
