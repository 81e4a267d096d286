package org.vcsreplicator.bootstrap;

/**
 * The records of one partition written while the master bootstrap ran: offsets {@code start}
 * (inclusive, the partition's end before the first sync) to {@code end} (exclusive, its end after
 * the last). Immutable.
 *
 * @param start first offset of the window, {@code >= 0}
 * @param end offset after the window, {@code >= start}; the mirror group's committed offset after
 *     the bootstrap
 */
public record OffsetWindow(long start, long end) {
  public OffsetWindow {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("an offset window needs 0 <= start <= end, got [" + start + ", " + end + "]");
    }
  }

  /** True when no record was written in the window. */
  public boolean isEmpty() {
    return start == end;
  }
}
