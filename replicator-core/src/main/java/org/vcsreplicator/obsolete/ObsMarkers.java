package org.vcsreplicator.obsolete;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.vcsreplicator.message.NodeId;

/**
 * Decodes the binary obsstore formats Mercurial exchanges (its {@code obsolete.py}): one version
 * byte, then markers in format 0 (what the {@code obsolete} pushkey namespace sends, in {@code
 * dump0}, {@code dump1}, … keys) or format 1 (the on-disk format of current Mercurial).
 *
 * <p>Format 0, per marker: big-endian {@code uint8} successor count, {@code uint32} metadata
 * size, {@code uint8} flags, 20-byte precursor, 20 bytes per successor, then the metadata as
 * {@code key:value} entries separated by NUL, holding {@code date} ("{@code seconds offset}") and
 * optionally {@code p0}/{@code p1}/{@code p2} (parents) besides the user's entries.
 *
 * <p>Format 1, per marker: {@code uint32} total size, {@code float64} date, {@code int16}
 * timezone in minutes, {@code uint16} flags, {@code uint8} successor count, {@code uint8} parent
 * count (3: none recorded), {@code uint8} metadata count, the nodes, one ({@code uint8} key
 * length, {@code uint8} value length) pair per metadata entry, then the keys and values.
 *
 * <p>Pure and thread-safe. Metadata bytes are decoded as UTF-8 (Mercurial stores them in its
 * local encoding, UTF-8 on every server we know); invalid UTF-8 is malformed.
 */
public final class ObsMarkers {
  static final int FORMAT_0 = 0;
  static final int FORMAT_1 = 1;
  static final int FLAG_SHA256 = 2;
  private static final int NODE = 20;
  private static final int FM1_NO_PARENTS = 3;

  private ObsMarkers() {}

  /**
   * Decodes the value of an {@code obsolete} pushkey ({@code hg-pushkey-1}'s {@code new}).
   *
   * @param base85 Mercurial base85 text, never null
   * @return the markers in stored order, never null
   * @throws MalformedObsMarkersException when the text or the markers cannot be decoded
   */
  public static List<ObsMarker> decodePushkeyValue(String base85) throws MalformedObsMarkersException {
    byte[] data;
    try {
      data = Base85.decode(base85);
    } catch (IllegalArgumentException e) {
      throw new MalformedObsMarkersException("obsolescence markers are not base85: " + e.getMessage(), e);
    }
    return decode(data);
  }

  /**
   * Decodes binary marker data: the version byte, then the markers.
   *
   * @param data never null
   * @return the markers in stored order, never null
   * @throws MalformedObsMarkersException when the data cannot be decoded
   */
  public static List<ObsMarker> decode(byte[] data) throws MalformedObsMarkersException {
    if (data.length == 0) {
      throw new MalformedObsMarkersException("obsolescence marker data is empty (no version byte)");
    }
    ByteBuffer buf = ByteBuffer.wrap(data, 1, data.length - 1); // big-endian by default
    int version = data[0] & 0xFF;
    List<ObsMarker> markers = new ArrayList<>();
    try {
      while (buf.hasRemaining()) {
        int at = buf.position();
        try {
          markers.add(version == FORMAT_0 ? readFormat0(buf) : readFormat1(buf, version));
        } catch (java.nio.BufferUnderflowException e) {
          throw new MalformedObsMarkersException(
              "obsolescence marker " + markers.size() + " at byte " + at + " is truncated");
        }
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedObsMarkersException(
          "obsolescence marker " + markers.size() + " is invalid: " + e.getMessage(), e);
    }
    return List.copyOf(markers);
  }

  private static ObsMarker readFormat0(ByteBuffer buf) throws MalformedObsMarkersException {
    int successorCount = buf.get() & 0xFF;
    long metadataSize = buf.getInt() & 0xFFFF_FFFFL;
    int flags = buf.get() & 0xFF;
    if ((flags & FLAG_SHA256) != 0) {
      throw new MalformedObsMarkersException("format 0 cannot hold SHA-256 node ids (flags " + flags + ")");
    }
    NodeId precursor = node(buf, NODE);
    List<NodeId> successors = new ArrayList<>();
    for (int i = 0; i < successorCount; i++) {
      successors.add(node(buf, NODE));
    }
    if (metadataSize > buf.remaining()) {
      throw new MalformedObsMarkersException(
          "obsolescence marker metadata is too short: " + metadataSize + " bytes expected, "
              + buf.remaining() + " left");
    }
    byte[] raw = new byte[(int) metadataSize];
    buf.get(raw);
    // Format 0 keeps one value per key and writes keys sorted; later duplicates win, as in hg.
    TreeMap<String, String> meta = new TreeMap<>();
    for (String entry : utf8(raw).split("\0", -1)) {
      if (entry.isEmpty()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon < 0) {
        throw new MalformedObsMarkersException("obsolescence marker metadata entry without ':': " + entry);
      }
      meta.put(entry.substring(0, colon), entry.substring(colon + 1));
    }
    double date = 0;
    int offset = 0;
    String rawDate = meta.remove("date");
    if (rawDate != null) {
      // hg falls back to (0, 0) for a date it cannot parse; so do we.
      String[] parts = rawDate.split(" ", -1);
      try {
        if (parts.length == 2) {
          date = Double.parseDouble(parts[0]);
          offset = Integer.parseInt(parts[1]);
        }
      } catch (NumberFormatException e) {
        date = 0;
        offset = 0;
      }
    }
    Optional<List<NodeId>> parents = format0Parents(meta);
    return new ObsMarker(
        precursor, successors, flags, new ArrayList<>(meta.entrySet()), date, offset, parents);
  }

  /** Takes p0/p1/p2 out of the metadata; parents that are not node ids are dropped, as in hg. */
  private static Optional<List<NodeId>> format0Parents(Map<String, String> meta) {
    List<String> hexes;
    if (meta.containsKey("p2")) {
      hexes = new ArrayList<>();
      hexes.add(meta.remove("p1"));
      hexes.add(meta.remove("p2"));
    } else if (meta.containsKey("p1")) {
      hexes = List.of(meta.remove("p1"));
    } else if (meta.containsKey("p0")) {
      meta.remove("p0");
      hexes = List.of();
    } else {
      return Optional.empty();
    }
    List<NodeId> nodes = new ArrayList<>();
    for (String hex : hexes) {
      if (hex == null) {
        return Optional.empty();
      }
      try {
        nodes.add(NodeId.of(hex));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.of(nodes);
  }

  private static ObsMarker readFormat1(ByteBuffer buf, int version) throws MalformedObsMarkersException {
    if (version != FORMAT_1) {
      throw new MalformedObsMarkersException("unknown obsolescence marker format version " + version);
    }
    int start = buf.position();
    long size = buf.getInt() & 0xFFFF_FFFFL;
    double date = buf.getDouble();
    int timezoneMinutes = buf.getShort();
    int flags = buf.getShort() & 0xFFFF;
    int successorCount = buf.get() & 0xFF;
    int parentCount = buf.get() & 0xFF;
    int metadataCount = buf.get() & 0xFF;
    if ((flags & FLAG_SHA256) != 0) {
      throw new MalformedObsMarkersException("SHA-256 node ids are not supported (flags " + flags + ")");
    }
    NodeId precursor = node(buf, NODE);
    List<NodeId> successors = new ArrayList<>();
    for (int i = 0; i < successorCount; i++) {
      successors.add(node(buf, NODE));
    }
    Optional<List<NodeId>> parents = Optional.empty();
    if (parentCount != FM1_NO_PARENTS) {
      if (parentCount > 2) {
        throw new MalformedObsMarkersException("obsolescence marker has " + parentCount + " parents");
      }
      List<NodeId> p = new ArrayList<>();
      for (int i = 0; i < parentCount; i++) {
        p.add(node(buf, NODE));
      }
      parents = Optional.of(p);
    }
    int[] lengths = new int[metadataCount * 2];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = buf.get() & 0xFF;
    }
    List<Map.Entry<String, String>> meta = new ArrayList<>();
    for (int i = 0; i < metadataCount; i++) {
      meta.add(Map.entry(utf8(bytes(buf, lengths[2 * i])), utf8(bytes(buf, lengths[2 * i + 1]))));
    }
    if (buf.position() - start != size) {
      throw new MalformedObsMarkersException(
          "obsolescence marker declares " + size + " bytes but holds " + (buf.position() - start));
    }
    return new ObsMarker(precursor, successors, flags, meta, date, timezoneMinutes * 60, parents);
  }

  private static NodeId node(ByteBuffer buf, int size) {
    return NodeId.fromBytes(bytes(buf, size));
  }

  private static byte[] bytes(ByteBuffer buf, int size) {
    byte[] b = new byte[size];
    buf.get(b);
    return b;
  }

  private static String utf8(byte[] raw) throws MalformedObsMarkersException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw new MalformedObsMarkersException("obsolescence marker metadata is not UTF-8", e);
    }
  }
}
