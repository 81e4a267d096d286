package org.vcsreplicator.config;

/**
 * A configuration problem that stops start-up. Its {@link #getMessage()} is one line naming where
 * the problem is and what it is, e.g. {@code /etc/vcsreplicator.ini: [consumer] group: missing
 * required key}. Settings built in code (no file) omit the file part.
 */
public final class ConfigException extends RuntimeException {
  /** The {@link #source()} of problems found in environment variables. */
  public static final String ENVIRONMENT = "environment";

  private final String source;
  private final String section;
  private final String key;
  private final String detail;

  /**
   * @param source the file (or {@link #ENVIRONMENT}); null for settings built in code
   * @param section the section, or null when the problem is not inside one
   * @param key the option (or environment variable), or null when the problem concerns a whole
   *     section or file
   * @param detail what is wrong, never null
   */
  public ConfigException(String source, String section, String key, String detail) {
    this(source, section, key, detail, null);
  }

  public ConfigException(
      String source, String section, String key, String detail, Throwable cause) {
    super(format(source, section, key, detail), cause);
    this.source = source;
    this.section = section;
    this.key = key;
    this.detail = oneLine(detail);
  }

  private static String format(String source, String section, String key, String detail) {
    StringBuilder b = new StringBuilder();
    if (source != null) {
      b.append(source).append(": ");
    }
    if (section != null) {
      b.append('[').append(section).append(']');
      b.append(key != null ? " " : ": ");
    }
    if (key != null) {
      b.append(key).append(": ");
    }
    return b.append(oneLine(detail)).toString();
  }

  private static String oneLine(String s) {
    return String.valueOf(s).replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }

  /**
   * This problem, placed in {@code source} and {@code section} where it does not name them already
   * (settings records check themselves without knowing the file they were read from).
   */
  ConfigException locatedIn(String source, String section) {
    String s = this.source != null ? this.source : source;
    String sec = this.section != null ? this.section : section;
    if (s == this.source && sec == this.section) {
      return this;
    }
    ConfigException located = new ConfigException(s, sec, key, detail, getCause());
    located.setStackTrace(getStackTrace());
    return located;
  }

  /** The file (or {@link #ENVIRONMENT}) with the problem; null for settings built in code. */
  public String source() {
    return source;
  }

  /** The section with the problem, or null. */
  public String section() {
    return section;
  }

  /** The option or environment variable with the problem, or null. */
  public String key() {
    return key;
  }

  /**
   * What is wrong, without the location, never null. For the producer's checks this is the
   * original's exact text (e.g. {@code replicationproducer.topic config option not set}), which
   * the hg hooks print after {@code abort: }.
   */
  public String detail() {
    return detail;
  }
}
