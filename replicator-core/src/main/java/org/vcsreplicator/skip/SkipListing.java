package org.vcsreplicator.skip;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code skipped list} shows of the audit topic: the records an operator asked for
 * ({@code --repo}, {@code --since}), as a table for people or as JSON for machines. Pure.
 *
 * <ul>
 *   <li>The table has one row per <em>skip</em> record, in the order they were written, with the
 *       columns {@code id}, {@code time}, {@code user}, {@code repo}, {@code kind}, {@code reason}
 *       and {@code replayed} (when the skip was last replayed, from any replay record in the
 *       topic, or {@code -}). Empty values print as {@code -}.
 *   <li>{@code --json} prints every selected record, skip and replay records alike (a replay
 *       record names its skip in {@code replay_of}), in the order they were written.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class SkipListing {
  static final List<String> HEADERS = List.of("id", "time", "user", "repo", "kind", "reason", "replayed");
  private static final String NONE = "-";

  private SkipListing() {}

  /**
   * Which records to show.
   *
   * @param repo only records about this wire path (exact match), or empty for all
   * @param since only records written at or after this instant, or empty for all
   */
  public record Filter(Optional<String> repo, Optional<Instant> since) {
    public Filter {
      Objects.requireNonNull(repo, "repo");
      Objects.requireNonNull(since, "since");
    }

    public static Filter all() {
      return new Filter(Optional.empty(), Optional.empty());
    }

    /** True when {@code r} is to be shown. */
    public boolean matches(SkipRecord r) {
      return repo.map(p -> r.repo().filter(p::equals).isPresent()).orElse(true)
          && since.map(s -> !r.time().isBefore(s)).orElse(true);
    }
  }

  /**
   * Reads {@code --since}: an ISO-8601 instant with {@code Z} or an offset
   * ({@code 2024-05-01T03:00:00Z}, {@code 2024-05-01T05:00:00+02:00}), a date and time without
   * offset (taken as UTC), or a date ({@code 2024-05-01}, midnight UTC).
   *
   * @throws IllegalArgumentException with one line saying what is accepted
   */
  public static Instant parseSince(String text) {
    String t = text.strip();
    try {
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeException e) {
      // try the next form
    }
    try {
      return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      // try the next form
    }
    try {
      return LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("--since: '" + text + "' is not an ISO-8601 time "
          + "(e.g. 2024-05-01T03:00:00Z, 2024-05-01T05:00:00+02:00 or 2024-05-01; no offset means UTC)");
    }
  }

  /** The records {@code filter} selects, skip and replay records, in log order; never null. */
  public static List<SkipRecord> select(List<SkipRecord> all, Filter filter) {
    return all.stream().filter(filter::matches).toList();
  }

  /** {@code skipped list --json}: the selected records as one JSON list; never null. */
  public static String json(List<SkipRecord> all, Filter filter) {
    return SkipRecordCodec.writeList(select(all, filter));
  }

  /**
   * {@code skipped list}: the table's lines (header, dashes, one row per selected skip record),
   * without line terminators; never null.
   */
  public static List<String> table(List<SkipRecord> all, Filter filter) {
    Map<String, Instant> lastReplay = new HashMap<>();
    for (SkipRecord r : all) {
      r.replayOf().ifPresent(of -> lastReplay.merge(of, r.time(), (a, b) -> a.isAfter(b) ? a : b));
    }
    List<List<String>> rows = new ArrayList<>();
    for (SkipRecord r : select(all, filter)) {
      if (r.isReplay()) {
        continue;
      }
      rows.add(List.of(
          r.id(),
          SkipRecordCodec.formatTime(r.time()),
          r.by().user(),
          r.repo().orElse(NONE),
          r.kind(),
          r.reason().map(SkipListing::oneLine).orElse(NONE),
          Optional.ofNullable(lastReplay.get(r.id())).map(SkipRecordCodec::formatTime).orElse(NONE)));
    }
    return layout(HEADERS, rows);
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " / ");
  }

  /** Left-aligned columns two spaces apart, a row of dashes under the header, no trailing spaces. */
  static List<String> layout(List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = width(headers.get(c));
      for (List<String> row : rows) {
        widths[c] = Math.max(widths[c], width(row.get(c)));
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add(line(headers, widths));
    List<String> dashes = new ArrayList<>();
    for (int w : widths) {
      dashes.add("-".repeat(w));
    }
    lines.add(line(dashes, widths));
    for (List<String> row : rows) {
      lines.add(line(row, widths));
    }
    return List.copyOf(lines);
  }

  private static String line(List<String> cells, int[] widths) {
    StringBuilder sb = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      if (c > 0) {
        sb.append("  ");
      }
      sb.append(cells.get(c)).append(" ".repeat(widths[c] - width(cells.get(c))));
    }
    return sb.toString().stripTrailing();
  }

  private static int width(String s) {
    return s.codePointCount(0, s.length());
  }
}
