package org.vcsreplicator.config;

import java.util.Map;
import java.util.Objects;
import org.vcsreplicator.routing.IgnorePaths;
import org.vcsreplicator.routing.UrlRewrites;

/**
 * What the Pulse notifier on the master needs: its consumer section ({@code [pulseconsumer]} by
 * default, the keys of {@link ConsumerSettings}, including {@code [path_rewrites]} to find the
 * canonical repositories), {@code [pulse]}, {@code [public_url_rewrites]} and {@code
 * [ignore_paths]}.
 *
 * @param consumer never null
 * @param pulse never null
 * @param publicUrlRewrites wire path to public URL, never null
 * @param ignorePaths wire prefixes never notified, never null
 */
public record NotifierSettings(
    ConsumerSettings consumer,
    PulseSettings pulse,
    UrlRewrites publicUrlRewrites,
    IgnorePaths ignorePaths) {

  public static final String DEFAULT_CONSUMER_SECTION = "pulseconsumer";

  public NotifierSettings {
    Objects.requireNonNull(consumer, "consumer");
    Objects.requireNonNull(pulse, "pulse");
    Objects.requireNonNull(publicUrlRewrites, "publicUrlRewrites");
    Objects.requireNonNull(ignorePaths, "ignorePaths");
  }

  /** Reads {@code [pulseconsumer]} and the rest, retry overrides from the process environment. */
  public static NotifierSettings from(IniFile ini) {
    return from(ini, DEFAULT_CONSUMER_SECTION, System.getenv());
  }

  /**
   * @param ini never null
   * @param consumerSection the section with the Kafka consumer keys
   * @param env environment variables ({@link RetrySettings} overrides), never null
   * @throws ConfigException naming file, section and key
   */
  public static NotifierSettings from(IniFile ini, String consumerSection, Map<String, String> env) {
    return new NotifierSettings(
        ConsumerSettings.from(ini, consumerSection, env),
        PulseSettings.from(ini),
        RoutingSections.publicUrlRewrites(ini),
        RoutingSections.ignorePaths(ini));
  }
}
