package org.vcsreplicator.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An INI file as Python's {@code RawConfigParser} (with its default options) reads it, so that a
 * {@code vcsreplicator.ini} written for the original loads unchanged:
 *
 * <ul>
 *   <li>{@code [section]} headers; section names are case-sensitive and may not repeat.
 *   <li>{@code key = value} or {@code key: value}, split at the first {@code =} or {@code :};
 *       key and value are stripped. Keys may not repeat in a section (compared ignoring case).
 *   <li>Lines whose first non-blank character is {@code #} or {@code ;} are comments. There are no
 *       inline comments: {@code a = b # c} has the value {@code b # c} (a regex may hold a {@code
 *       #}).
 *   <li>A line indented deeper than its option's line continues the value (joined with a
 *       newline); blank lines inside such a value are kept, trailing ones dropped.
 *   <li>{@code [DEFAULT]} supplies fallbacks for {@link #get} in every section. It is not listed by
 *       {@link #sections()} and its options are not part of any section's {@link #entries}.
 *   <li>No interpolation: {@code %} and {@code $} are plain characters.
 * </ul>
 *
 * <p>Keys are kept as written; readers decide whether case matters (see the package comment).
 * Entries keep file order. Immutable and thread-safe.
 */
public final class IniFile {
  /** The section whose options are fallbacks for every other section. */
  public static final String DEFAULT_SECTION = "DEFAULT";

  private final String source;
  private final Map<String, List<Entry>> sections;
  private final List<Entry> defaults;

  private IniFile(String source, Map<String, List<Entry>> sections, List<Entry> defaults) {
    this.source = source;
    this.sections = sections;
    this.defaults = defaults;
  }

  /**
   * Reads and parses a file (UTF-8).
   *
   * @param file never null
   * @return never null
   * @throws ConfigException when the file is missing, unreadable, not UTF-8 or malformed
   */
  public static IniFile load(Path file) {
    String source = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(source, null, null, "config file does not exist");
    } catch (IOException e) {
      throw new ConfigException(source, null, null, "cannot read config file: " + e, e);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException(source, null, null, "config file is not valid UTF-8", e);
    }
    return parse(source, text);
  }

  /**
   * Parses INI text.
   *
   * @param source names the text in error messages (usually the file path); null for none
   * @param text never null
   * @return never null
   * @throws ConfigException naming the line when the text is malformed
   */
  public static IniFile parse(String source, String text) {
    return new Parser(source).parse(text);
  }

  /** The file path (or other source name) given when loading; null if none was given. */
  public String source() {
    return source;
  }

  /** The section names in file order, without {@value #DEFAULT_SECTION}; never null. */
  public List<String> sections() {
    return List.copyOf(sections.keySet());
  }

  /** Whether the file has {@code [section]} ({@value #DEFAULT_SECTION} does not count). */
  public boolean hasSection(String section) {
    return sections.containsKey(section);
  }

  /**
   * The options of a section in file order, keys as written.
   *
   * @param section never null
   * @return never null; empty when the section is missing
   */
  public List<Entry> entries(String section) {
    return sections.getOrDefault(section, List.of());
  }

  /**
   * The value of an option, the key compared ignoring case, falling back to {@value
   * #DEFAULT_SECTION}.
   *
   * @param section never null
   * @param key never null
   * @return the value; empty when the section is missing or neither it nor the defaults have the
   *     key
   */
  public Optional<String> get(String section, String key) {
    List<Entry> entries = sections.get(section);
    if (entries == null) {
      return Optional.empty();
    }
    Optional<Entry> found = find(entries, key);
    if (found.isEmpty()) {
      found = find(defaults, key);
    }
    return found.map(Entry::value);
  }

  /** The line of an option, like {@link #get}, for error messages. */
  Optional<Entry> entry(String section, String key) {
    List<Entry> entries = sections.get(section);
    if (entries == null) {
      return Optional.empty();
    }
    Optional<Entry> found = find(entries, key);
    return found.isPresent() ? found : find(defaults, key);
  }

  private static Optional<Entry> find(List<Entry> entries, String key) {
    return entries.stream().filter(e -> e.key().equalsIgnoreCase(key)).findFirst();
  }

  @Override
  public String toString() {
    return "IniFile[" + source + ", sections=" + sections.keySet() + "]";
  }

  /**
   * One option.
   *
   * @param key the option name as written (stripped), never null or empty
   * @param value the value (stripped; continuation lines joined with {@code \n}), never null
   * @param line the 1-based line of the option name
   */
  public record Entry(String key, String value, int line) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    /** The key as {@code RawConfigParser} stores it: lower-cased. */
    public String lowerKey() {
      return key.toLowerCase(Locale.ROOT);
    }
  }

  /** One pass over the lines, following {@code RawConfigParser._read}'s rules. */
  private static final class Parser {
    private final String source;
    private final Map<String, List<Builder>> sections = new LinkedHashMap<>();
    private final List<Builder> defaults = new ArrayList<>();
    private String sectionName;
    private List<Builder> section;
    private Builder option;
    private int indentLevel;

    Parser(String source) {
      this.source = source;
    }

    IniFile parse(String text) {
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
      String[] lines = text.split("\r\n|\r|\n", -1);
      for (int i = 0; i < lines.length; i++) {
        line(i + 1, lines[i]);
      }
      Map<String, List<Entry>> built = new LinkedHashMap<>();
      sections.forEach((name, builders) -> built.put(name, build(builders)));
      return new IniFile(source, built, build(defaults));
    }

    private void line(int lineNo, String line) {
      String stripped = line.strip();
      boolean comment = stripped.startsWith("#") || stripped.startsWith(";");
      if (stripped.isEmpty() || comment) {
        // A blank line may sit inside a multi-line value; a comment line never ends one.
        if (!comment && option != null) {
          option.lines.add("");
        }
        return;
      }
      int indent = 0;
      while (Character.isWhitespace(line.charAt(indent))) {
        indent++;
      }
      if (option != null && indent > indentLevel) {
        option.lines.add(stripped);
        return;
      }
      indentLevel = indent;
      int close = stripped.lastIndexOf(']');
      if (stripped.startsWith("[") && close > 1) {
        startSection(lineNo, stripped.substring(1, close));
        return;
      }
      if (section == null) {
        throw error(null, lineNo, "option outside any section; the file must start with [section]");
      }
      int delimiter = firstDelimiter(stripped);
      if (delimiter < 0) {
        throw error(sectionName, lineNo, "expected 'key = value', got '" + stripped + "'");
      }
      String key = stripped.substring(0, delimiter).strip();
      if (key.isEmpty()) {
        throw error(sectionName, lineNo, "option name is empty in '" + stripped + "'");
      }
      for (Builder b : section) {
        if (b.key.equalsIgnoreCase(key)) {
          throw new ConfigException(
              source,
              sectionName,
              key,
              "line " + lineNo + ": duplicate option (first set on line " + b.line + ")");
        }
      }
      option = new Builder(key, lineNo);
      option.lines.add(stripped.substring(delimiter + 1).strip());
      section.add(option);
    }

    private void startSection(int lineNo, String name) {
      option = null;
      if (name.equals(DEFAULT_SECTION)) {
        sectionName = name;
        section = defaults;
        return;
      }
      if (sections.containsKey(name)) {
        throw error(name, lineNo, "duplicate section");
      }
      sectionName = name;
      section = new ArrayList<>();
      sections.put(name, section);
    }

    private static int firstDelimiter(String s) {
      int eq = s.indexOf('=');
      int colon = s.indexOf(':');
      if (eq < 0) {
        return colon;
      }
      return colon < 0 ? eq : Math.min(eq, colon);
    }

    private ConfigException error(String section, int lineNo, String detail) {
      return new ConfigException(source, section, null, "line " + lineNo + ": " + detail);
    }

    private static List<Entry> build(List<Builder> builders) {
      List<Entry> out = new ArrayList<>();
      for (Builder b : builders) {
        out.add(new Entry(b.key, String.join("\n", b.lines).stripTrailing(), b.line));
      }
      return List.copyOf(out);
    }
  }

  private static final class Builder {
    final String key;
    final int line;
    final List<String> lines = new ArrayList<>();

    Builder(String key, int line) {
      this.key = key;
      this.line = line;
    }
  }
}
