package org.vcsreplicator.hg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the obsolescence markers of an {@code obsstore} file (format 1, what Mercurial writes
 * since 3.4), as Mercurial's {@code obsolete._fm1readmarkers} gives them, and orders them as
 * Python orders the marker tuples. Pure; thread-safe.
 */
public final class ObsoleteMarkers {
  static final int FORMAT_1 = 1;
  /** Flag of a marker whose nodes are 32-byte SHA-256 hashes instead of 20-byte SHA-1. */
  static final int USING_SHA256 = 2;
  /** The parents count meaning "no parent information" (Python None). */
  static final int NO_PARENT_DATA = 3;
  /** Size of the fixed part: total size, date, timezone, flags, #successors, #parents, #metadata. */
  private static final int FIXED_SIZE = 4 + 8 + 2 + 2 + 1 + 1 + 1;

  private ObsoleteMarkers() {}

  /**
   * One marker.
   *
   * @param precursor the rewritten changeset
   * @param successors what replaced it; empty for a prune
   * @param metadata key/value pairs in stored order
   * @param seconds the marker's date
   * @param tzOffsetSeconds its timezone, seconds west of UTC (stored as minutes)
   * @param parents parents of a pruned changeset; empty when the marker records none (Python None)
   */
  public record Marker(byte[] precursor, List<byte[]> successors, int flags, List<byte[][]> metadata,
      double seconds, int tzOffsetSeconds, Optional<List<byte[]>> parents) {
    public Marker {
      Objects.requireNonNull(precursor, "precursor");
      successors = List.copyOf(successors);
      metadata = List.copyOf(metadata);
      Objects.requireNonNull(parents, "parents");
    }
  }

  /**
   * The markers of an obsstore file's content.
   *
   * @throws IllegalArgumentException when the content is not format 1 or is truncated
   */
  public static List<Marker> read(byte[] data) {
    if (data.length == 0) {
      return List.of();
    }
    int version = data[0] & 0xff;
    if (version != FORMAT_1) {
      throw new IllegalArgumentException("obsstore format " + version + " is not supported (only format 1)");
    }
    ByteBuffer in = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
    in.position(1);
    List<Marker> markers = new ArrayList<>();
    try {
      while (in.hasRemaining()) {
        int start = in.position();
        long total = Integer.toUnsignedLong(in.getInt());
        double seconds = in.getDouble();
        short tzMinutes = in.getShort();
        int flags = Short.toUnsignedInt(in.getShort());
        int successorCount = Byte.toUnsignedInt(in.get());
        int parentCount = Byte.toUnsignedInt(in.get());
        int metadataCount = Byte.toUnsignedInt(in.get());
        int nodeSize = (flags & USING_SHA256) != 0 ? 32 : 20;
        byte[] precursor = bytes(in, nodeSize);
        List<byte[]> successors = new ArrayList<>();
        for (int i = 0; i < successorCount; i++) {
          successors.add(bytes(in, nodeSize));
        }
        Optional<List<byte[]>> parents = Optional.empty();
        if (parentCount != NO_PARENT_DATA) {
          List<byte[]> ps = new ArrayList<>();
          for (int i = 0; i < parentCount; i++) {
            ps.add(bytes(in, nodeSize));
          }
          parents = Optional.of(List.copyOf(ps));
        }
        int[] sizes = new int[metadataCount * 2];
        for (int i = 0; i < sizes.length; i++) {
          sizes[i] = Byte.toUnsignedInt(in.get());
        }
        List<byte[][]> metadata = new ArrayList<>();
        for (int i = 0; i < metadataCount; i++) {
          metadata.add(new byte[][] {bytes(in, sizes[2 * i]), bytes(in, sizes[2 * i + 1])});
        }
        if (in.position() - start != total) {
          throw new IllegalArgumentException("obsolescence marker at byte " + start + " is " + (in.position() - start)
              + " bytes long but says " + total);
        }
        markers.add(new Marker(precursor, successors, flags, metadata, seconds, tzMinutes * 60, parents));
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("obsstore is truncated after " + markers.size() + " markers", e);
    }
    return markers;
  }

  private static byte[] bytes(ByteBuffer in, int n) {
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }

  /**
   * The order of Python's {@code sorted()} over the marker tuples {@code (precursor, successors,
   * flags, metadata, (seconds, tz), parents)}. Two markers equal up to their parents, one with and
   * one without parent data, cannot be compared in Python; here "none" comes first.
   */
  public static final Comparator<Marker> PYTHON_ORDER = Comparator
      .comparing(Marker::precursor, Arrays::compareUnsigned)
      .thenComparing(Marker::successors, ObsoleteMarkers::compareNodes)
      .thenComparingInt(Marker::flags)
      .thenComparing(Marker::metadata, ObsoleteMarkers::compareMetadata)
      .thenComparingDouble(Marker::seconds)
      .thenComparingInt(Marker::tzOffsetSeconds)
      .thenComparing(m -> m.parents().orElse(null), Comparator.nullsFirst(ObsoleteMarkers::compareNodes));

  private static int compareNodes(List<byte[]> a, List<byte[]> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Arrays.compareUnsigned(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static int compareMetadata(List<byte[][]> a, List<byte[][]> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = Arrays.compareUnsigned(a.get(i)[0], b.get(i)[0]);
      if (c == 0) {
        c = Arrays.compareUnsigned(a.get(i)[1], b.get(i)[1]);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }
}
