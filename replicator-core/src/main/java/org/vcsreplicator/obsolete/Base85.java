package org.vcsreplicator.obsolete;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Mercurial's base85 codec ({@code mercurial/pure/base85.py}), which is how the {@code obsolete}
 * pushkey namespace carries binary marker data in text ({@code hg-pushkey-1}'s {@code new}).
 *
 * <p>Not RFC 1924 byte for byte: Mercurial encodes big-endian 32-bit words with the alphabet
 * below, and drops the padding of a last partial word (a 1–3 byte tail becomes 2–4 characters).
 *
 * <p>Stateless and thread-safe.
 */
public final class Base85 {
  private static final String ALPHABET =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
  private static final int[] VALUES = new int[128];

  static {
    Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length(); i++) {
      VALUES[ALPHABET.charAt(i)] = i;
    }
  }

  private Base85() {}

  /**
   * Decodes Mercurial base85 text.
   *
   * @param text never null
   * @return the bytes, never null
   * @throws IllegalArgumentException naming the position of a character outside the alphabet, a
   *     5-character group above 2^32-1, or a lone trailing character (no encoder produces one)
   */
  public static byte[] decode(String text) {
    Objects.requireNonNull(text, "text");
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 4 / 5 + 4);
    for (int start = 0; start < text.length(); start += 5) {
      int end = Math.min(start + 5, text.length());
      int count = end - start;
      if (count == 1) {
        throw new IllegalArgumentException(
            "base85 text of " + text.length() + " characters ends with a lone character");
      }
      long acc = 0;
      for (int i = start; i < end; i++) {
        char c = text.charAt(i);
        int v = c < 128 ? VALUES[c] : -1;
        if (v < 0) {
          throw new IllegalArgumentException("bad base85 character at position " + i);
        }
        acc = acc * 85 + v;
      }
      if (count < 5) {
        // A shortened last group: pad as if with the highest digit, as Mercurial does.
        for (int i = count; i < 5; i++) {
          acc = acc * 85 + 84;
        }
      }
      if (acc > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException("base85 overflow in the group starting at position " + start);
      }
      int bytes = count == 5 ? 4 : count - 1;
      for (int b = 0; b < bytes; b++) {
        out.write((int) (acc >>> (24 - 8 * b)) & 0xFF);
      }
    }
    return out.toByteArray();
  }

  /**
   * Encodes bytes as Mercurial does ({@code b85encode(data, pad=False)}).
   *
   * @param data never null
   * @return never null
   */
  public static String encode(byte[] data) {
    Objects.requireNonNull(data, "data");
    StringBuilder out = new StringBuilder(data.length * 5 / 4 + 5);
    for (int start = 0; start < data.length; start += 4) {
      int count = Math.min(4, data.length - start);
      long word = 0;
      for (int b = 0; b < 4; b++) {
        word = (word << 8) | (b < count ? data[start + b] & 0xFF : 0);
      }
      char[] group = new char[5];
      for (int i = 4; i >= 0; i--) {
        group[i] = ALPHABET.charAt((int) (word % 85));
        word /= 85;
      }
      out.append(group, 0, count == 4 ? 5 : count + 1);
    }
    return out.toString();
  }
}
