package org.vcsreplicator.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.vcsreplicator.routing.PathRewrites;
import org.vcsreplicator.routing.ReplicationRules;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * What a consumer daemon on a mirror needs: a consumer section ({@code [consumer]} by default; the
 * heads consumer and the notifier read other sections with the same keys) together with {@code
 * [path_rewrites]}, {@code [pull_url_rewrites]}, {@code [replicationrules]} and {@code [programs]
 * hg}.
 *
 * <table>
 *   <caption>Options of the consumer section</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code hosts}</td><td>required</td><td>Kafka brokers, comma separated</td></tr>
 *   <tr><td>{@code client_id}</td><td>required</td><td>Kafka client id</td></tr>
 *   <tr><td>{@code topic}</td><td>required</td><td>topic to consume</td></tr>
 *   <tr><td>{@code group}</td><td>required</td><td>consumer group; one per mirror</td></tr>
 *   <tr><td>{@code connect_timeout}</td><td>60</td><td>seconds to reach Kafka</td></tr>
 *   <tr><td>{@code poll_timeout}</td><td>0.1</td><td>seconds one poll waits</td></tr>
 *   <tr><td>{@code backup}</td><td>false</td><td>a backup mirror ignores deletes</td></tr>
 *   <tr><td>{@code todelete_path}</td><td>/repo/hg/todelete</td><td>where deleted repositories
 *       are moved before removal</td></tr>
 *   <tr><td>{@code retry_max_retries}, {@code retry_base_delay}</td><td>5, 2</td><td>see {@link
 *       RetrySettings}</td></tr>
 *   <tr><td>{@code kafka.*}</td><td></td><td>see {@link KafkaConnection}</td></tr>
 *   <tr><td>{@code skip_topic}</td><td>{@code <topic>-skipped}</td><td>audit topic every operator
 *       {@code --skip} is recorded in before its offset moves (SPEC rule 2); created when
 *       missing</td></tr>
 * </table>
 *
 * @param section the consumer section read, never null
 * @param kafka never null
 * @param topic never blank
 * @param group never blank
 * @param pollTimeout how long one poll waits, positive
 * @param backup whether this mirror is a backup (ignores {@code hg-repo-delete-1})
 * @param todeletePath absolute directory deleted repositories are moved into
 * @param retry never null
 * @param hgPath the {@code hg} program ({@code [programs] hg}, default {@code hg}), never blank
 * @param pathRewrites never null
 * @param pullUrlRewrites never null
 * @param replicationRules never null
 * @param skipTopic the audit topic of skips ({@code skip_topic}), a legal Kafka topic name other
 *     than {@code topic}; never null
 */
public record ConsumerSettings(
    String section,
    KafkaConnection kafka,
    String topic,
    String group,
    Duration pollTimeout,
    boolean backup,
    Path todeletePath,
    RetrySettings retry,
    String hgPath,
    PathRewrites pathRewrites,
    UrlRewrites pullUrlRewrites,
    ReplicationRules replicationRules,
    String skipTopic) {

  public static final String DEFAULT_SECTION = "consumer";
  public static final String PROGRAMS_SECTION = "programs";
  public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMillis(100);
  public static final Path DEFAULT_TODELETE_PATH = Path.of("/repo/hg/todelete");
  public static final String DEFAULT_HG = "hg";
  /** {@code skip_topic} defaults to the consumed topic's name plus this suffix. */
  public static final String SKIP_TOPIC_SUFFIX = "-skipped";

  // What Kafka accepts as a topic name (Topic.validate): at most 249 of these characters.
  private static final java.util.regex.Pattern TOPIC_NAME = java.util.regex.Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /**
   * @throws ConfigException (without file) when a value is invalid
   */
  public ConsumerSettings {
    if (section == null || section.isBlank()) {
      throw new ConfigException(null, null, null, "consumer section name must not be empty");
    }
    if (kafka == null) {
      throw new ConfigException(null, section, "hosts", "missing required key");
    }
    requireText(section, "topic", topic);
    requireText(section, "group", group);
    Objects.requireNonNull(pollTimeout, "pollTimeout");
    if (pollTimeout.isNegative() || pollTimeout.isZero()) {
      throw new ConfigException(null, section, "poll_timeout", "must be positive");
    }
    if (todeletePath == null || !todeletePath.isAbsolute()) {
      throw new ConfigException(
          null, section, "todelete_path", "must be an absolute path: " + todeletePath);
    }
    Objects.requireNonNull(retry, "retry");
    if (hgPath == null || hgPath.isBlank()) {
      throw new ConfigException(null, PROGRAMS_SECTION, "hg", "must not be empty");
    }
    Objects.requireNonNull(pathRewrites, "pathRewrites");
    Objects.requireNonNull(pullUrlRewrites, "pullUrlRewrites");
    Objects.requireNonNull(replicationRules, "replicationRules");
    requireText(section, "skip_topic", skipTopic);
    if (!TOPIC_NAME.matcher(skipTopic).matches() || skipTopic.equals(".") || skipTopic.equals("..")) {
      throw new ConfigException(null, section, "skip_topic",
          "not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249): '" + skipTopic + "'");
    }
    if (skipTopic.equals(topic)) {
      throw new ConfigException(null, section, "skip_topic", "must differ from topic '" + topic + "'");
    }
  }

  /** The default audit topic of skips for a consumed topic: {@code <topic>-skipped}. */
  public static String defaultSkipTopic(String topic) {
    return topic + SKIP_TOPIC_SUFFIX;
  }

  static void requireText(String section, String key, String value) {
    if (value == null) {
      throw new ConfigException(null, section, key, "missing required key");
    }
    if (value.isBlank()) {
      throw new ConfigException(null, section, key, "must not be empty");
    }
  }

  /** Reads {@code [consumer]}, with retry overrides from the process environment. */
  public static ConsumerSettings from(IniFile ini) {
    return from(ini, DEFAULT_SECTION);
  }

  /** Reads the given consumer section, with retry overrides from the process environment. */
  public static ConsumerSettings from(IniFile ini, String section) {
    return from(ini, section, System.getenv());
  }

  /**
   * Reads the given consumer section and the shared sections.
   *
   * @param ini never null
   * @param section e.g. {@code consumer} or {@code pulseconsumer}
   * @param env environment variables ({@link RetrySettings} overrides), never null
   * @throws ConfigException naming file, section and key
   */
  public static ConsumerSettings from(IniFile ini, String section, Map<String, String> env) {
    SectionReader r = new SectionReader(ini, section);
    KafkaConnection kafka = KafkaConnection.from(ini, section);
    String topic = r.required("topic");
    String group = r.required("group");
    Duration pollTimeout = r.seconds("poll_timeout", DEFAULT_POLL_TIMEOUT);
    boolean backup = r.bool("backup", false);
    Path todelete = r.optional("todelete_path").map(v -> path(r, "todelete_path", v))
        .orElse(DEFAULT_TODELETE_PATH);
    RetrySettings retry = RetrySettings.read(r, env);
    String hg = ini.get(PROGRAMS_SECTION, "hg").orElse(DEFAULT_HG);
    String skipTopic = r.optional("skip_topic").map(String::strip).orElse(defaultSkipTopic(topic));
    try {
      return new ConsumerSettings(
          section,
          kafka,
          topic,
          group,
          pollTimeout,
          backup,
          todelete,
          retry,
          hg,
          RoutingSections.pathRewrites(ini),
          RoutingSections.pullUrlRewrites(ini),
          RoutingSections.replicationRules(ini),
          skipTopic);
    } catch (ConfigException e) {
      throw e.locatedIn(ini.source(), section);
    }
  }

  private static Path path(SectionReader r, String key, String value) {
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw r.error(key, "not a valid path: '" + value + "'");
    }
  }

  /** A builder for code without a file; see the defaults in the class comment. */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private String section = DEFAULT_SECTION;
    private KafkaConnection kafka;
    private String topic;
    private String group;
    private Duration pollTimeout = DEFAULT_POLL_TIMEOUT;
    private boolean backup;
    private Path todeletePath = DEFAULT_TODELETE_PATH;
    private RetrySettings retry = RetrySettings.defaults();
    private String hgPath = DEFAULT_HG;
    private PathRewrites pathRewrites = PathRewrites.none();
    private UrlRewrites pullUrlRewrites = UrlRewrites.none();
    private ReplicationRules replicationRules = ReplicationRules.none();
    private String skipTopic;

    private Builder() {}

    public Builder section(String section) {
      this.section = section;
      return this;
    }

    public Builder kafka(KafkaConnection kafka) {
      this.kafka = kafka;
      return this;
    }

    public Builder topic(String topic) {
      this.topic = topic;
      return this;
    }

    public Builder group(String group) {
      this.group = group;
      return this;
    }

    public Builder pollTimeout(Duration pollTimeout) {
      this.pollTimeout = pollTimeout;
      return this;
    }

    public Builder backup(boolean backup) {
      this.backup = backup;
      return this;
    }

    public Builder todeletePath(Path todeletePath) {
      this.todeletePath = todeletePath;
      return this;
    }

    public Builder retry(RetrySettings retry) {
      this.retry = retry;
      return this;
    }

    public Builder hgPath(String hgPath) {
      this.hgPath = hgPath;
      return this;
    }

    public Builder pathRewrites(PathRewrites pathRewrites) {
      this.pathRewrites = pathRewrites;
      return this;
    }

    public Builder pullUrlRewrites(UrlRewrites pullUrlRewrites) {
      this.pullUrlRewrites = pullUrlRewrites;
      return this;
    }

    public Builder replicationRules(ReplicationRules replicationRules) {
      this.replicationRules = replicationRules;
      return this;
    }

    /** The audit topic of skips; by default {@code <topic>-skipped}. */
    public Builder skipTopic(String skipTopic) {
      this.skipTopic = skipTopic;
      return this;
    }

    /**
     * @throws ConfigException when a value is invalid or a required one is missing
     */
    public ConsumerSettings build() {
      return new ConsumerSettings(
          section,
          kafka,
          topic,
          group,
          pollTimeout,
          backup,
          todeletePath,
          retry,
          hgPath,
          pathRewrites,
          pullUrlRewrites,
          replicationRules,
          skipTopic != null || topic == null ? skipTopic : defaultSkipTopic(topic));
    }
  }
}
