package org.vcsreplicator.aggregator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * The consumer groups whose acknowledgements the aggregator waits for, as listed in its groups
 * file ({@code [aggregator] monitor_groups_file}): one group per line; surrounding blanks, blank
 * lines and lines starting with {@code #} are ignored; a group listed twice counts once.
 *
 * <p>The file is re-read on every poll, so operators add or remove a mirror without restarting
 * the aggregator (removing a dead mirror un-wedges notifications; adding one holds copying back
 * until it has caught up).
 *
 * @param file where the list came from; never null
 * @param groups the groups in file order, without duplicates; never null, never empty
 */
public record MonitoredGroups(Path file, List<String> groups) {

  public MonitoredGroups {
    Objects.requireNonNull(file, "file");
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("no consumer groups listed in " + file);
    }
  }

  /**
   * Reads and parses {@code file} (UTF-8).
   *
   * @return never null
   * @throws GroupsFileException when the file is missing, unreadable, not UTF-8 or lists no group
   */
  public static MonitoredGroups read(Path file) throws GroupsFileException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new GroupsFileException(file, "does not exist", e);
    } catch (IOException e) {
      throw new GroupsFileException(file, "cannot be read: " + e, e);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new GroupsFileException(file, "is not valid UTF-8", e);
    }
    List<String> groups = parse(text);
    if (groups.isEmpty()) {
      throw new GroupsFileException(file, "lists no consumer group", null);
    }
    return new MonitoredGroups(file, groups);
  }

  /** The group names in {@code text}, in order, without duplicates; never null, may be empty. */
  public static List<String> parse(String text) {
    LinkedHashSet<String> groups = new LinkedHashSet<>();
    for (String line : text.split("\r\n|\r|\n", -1)) {
      String name = line.strip();
      if (!name.isEmpty() && !name.startsWith("#")) {
        groups.add(name);
      }
    }
    return new ArrayList<>(groups);
  }
}
