package org.vcsreplicator.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed reads of one section of an {@link IniFile}, every failure a {@link ConfigException} naming
 * file, section and key. Values are parsed as the original's {@code RawConfigParser} methods do
 * ({@code getint}, {@code getboolean}); durations also accept fractions of a second.
 */
final class SectionReader {
  private final IniFile ini;
  private final String section;

  SectionReader(IniFile ini, String section) {
    this.ini = ini;
    this.section = section;
  }

  String section() {
    return section;
  }

  IniFile ini() {
    return ini;
  }

  ConfigException error(String key, String detail) {
    return new ConfigException(ini.source(), section, key, detail);
  }

  Optional<String> optional(String key) {
    return ini.get(section, key);
  }

  /** A present, non-blank value. */
  String required(String key) {
    String value =
        optional(key)
            .orElseThrow(
                () ->
                    error(
                        key,
                        ini.hasSection(section)
                            ? "missing required key"
                            : "missing required key (the file has no [" + section + "] section)"));
    if (value.isBlank()) {
      throw error(key, "must not be empty");
    }
    return value;
  }

  boolean bool(String key, boolean fallback) {
    Optional<String> value = optional(key);
    return value.isEmpty() ? fallback : parseBool(key, value.get());
  }

  boolean requiredBool(String key) {
    return parseBool(key, required(key));
  }

  private boolean parseBool(String key, String value) {
    switch (value.toLowerCase(Locale.ROOT)) {
      case "1":
      case "yes":
      case "true":
      case "on":
        return true;
      case "0":
      case "no":
      case "false":
      case "off":
        return false;
      default:
        throw error(key, "not a boolean: '" + value + "' (use true/false, yes/no, on/off, 1/0)");
    }
  }

  int requiredInt(String key) {
    return parseInt(key, required(key));
  }

  int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw error(key, "not an integer: '" + value + "'");
    }
  }

  /** Seconds as written in the original's files ({@code 60}, {@code 0.2}); never negative. */
  Duration seconds(String key, Duration fallback) {
    Optional<String> value = optional(key);
    return value.isEmpty() ? fallback : parseSeconds(key, value.get());
  }

  Duration requiredSeconds(String key) {
    return parseSeconds(key, required(key));
  }

  Duration parseSeconds(String key, String value) {
    return parseSeconds(value).orElseThrow(() -> error(key, notSeconds(value)));
  }

  static String notSeconds(String value) {
    return "not a non-negative number of seconds: '" + value + "'";
  }

  static Optional<Duration> parseSeconds(String value) {
    try {
      BigDecimal seconds = new BigDecimal(value.strip());
      if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
        return Optional.empty();
      }
      long nanos = seconds.movePointRight(9).setScale(0, RoundingMode.HALF_UP).longValueExact();
      return Optional.of(Duration.ofNanos(nanos));
    } catch (NumberFormatException | ArithmeticException e) {
      return Optional.empty();
    }
  }
}
