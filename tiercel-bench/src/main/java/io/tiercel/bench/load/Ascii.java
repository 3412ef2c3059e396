package io.tiercel.bench.load;

import java.nio.ByteBuffer;

/** Writes and reads the ASCII decimals and line ends of the text protocols, in place. */
final class Ascii {
  static final byte CR = '\r';
  static final byte LF = '\n';

  private Ascii() {}

  /** Writes the non-negative {@code value} in decimal. */
  static void putLong(ByteBuffer out, long value) {
    int digits = Values.digits(value);
    int end = out.position() + digits;
    for (int i = end - 1; i >= out.position(); i--) {
      out.put(i, (byte) ('0' + value % 10));
      value /= 10;
    }
    out.position(end);
  }

  /** Writes {@code \r\n}. */
  static void crlf(ByteBuffer out) {
    out.put(CR).put(LF);
  }

  /** Writes the ASCII {@code text}. */
  static void put(ByteBuffer out, String text) {
    for (int i = 0; i < text.length(); i++) {
      out.put((byte) text.charAt(i));
    }
  }

  /** Returns the index of the {@code \r} of the first {@code \r\n} at or after {@code from}, or -1. */
  static int findCrlf(ByteBuffer in, int from, int limit) {
    for (int i = from; i + 1 < limit; i++) {
      if (in.get(i) == CR && in.get(i + 1) == LF) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Parses a signed decimal between {@code from} and {@code to}; returns Long.MIN_VALUE if the
   * bytes are not one.
   */
  static long parseLong(ByteBuffer in, int from, int to) {
    if (from >= to || to - from > 19) {
      return Long.MIN_VALUE;
    }
    boolean negative = in.get(from) == '-';
    int i = negative ? from + 1 : from;
    if (i == to) {
      return Long.MIN_VALUE;
    }
    long value = 0;
    for (; i < to; i++) {
      int d = in.get(i) - '0';
      if (d < 0 || d > 9) {
        return Long.MIN_VALUE;
      }
      value = value * 10 + d;
    }
    return negative ? -value : value;
  }

  /** Returns the bytes between {@code from} and {@code to} as a string (error texts). */
  static String text(ByteBuffer in, int from, int to) {
    StringBuilder text = new StringBuilder(Math.max(0, to - from));
    for (int i = from; i < to && text.length() < 200; i++) {
      text.append((char) (in.get(i) & 0xff));
    }
    return text.toString();
  }
}
