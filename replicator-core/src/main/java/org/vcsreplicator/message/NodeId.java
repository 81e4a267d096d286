package org.vcsreplicator.message;

import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** A Mercurial changeset id: 40 lowercase hex characters (20 bytes). */
public record NodeId(String hex) {
  private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");

  /** The null revision, which {@code hg-repo-sync} and {@code hg-heads-1} use for an empty repo. */
  public static final NodeId NULL = new NodeId("0".repeat(40));

  public NodeId {
    Objects.requireNonNull(hex, "node id");
    if (!HEX40.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a 40-hex changeset id: '" + hex + "'");
    }
  }

  public static NodeId of(String hex) {
    return new NodeId(hex);
  }

  public static List<NodeId> listOf(String... hexes) {
    return java.util.Arrays.stream(hexes).map(NodeId::new).toList();
  }

  /** The 12-character abbreviation hg and the original's log lines use. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  /** The 20 raw bytes (the form {@code .hg/replicated-data} stores). */
  public byte[] toBytes() {
    return HexFormat.of().parseHex(hex);
  }

  public static NodeId fromBytes(byte[] bytes) {
    if (bytes.length != 20) {
      throw new IllegalArgumentException("a changeset id has 20 bytes, got " + bytes.length);
    }
    return new NodeId(HexFormat.of().formatHex(bytes));
  }

  @Override
  public String toString() {
    return hex;
  }
}
