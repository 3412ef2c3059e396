package io.tiercel.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Maps a key to one of the 16384 hash slots, exactly as Redis Cluster does.
 *
 * <p>The slot is CRC16-XMODEM of the key modulo 16384. When the key holds a {@code {...}} hash
 * tag with at least one byte between the first {@code {} and the next {@code }}, only the bytes
 * inside the braces are hashed, so related keys can be forced onto one slot. Unmodified Redis
 * Cluster clients compute the same function, which is why it must match bit for bit.
 */
public final class KeySlot {
  /** The number of hash slots in a Tiercel cluster. */
  public static final int SLOTS = 16384;

  private static final VarHandle BIG_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LITTLE_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  /** Eight {@code '{'} bytes, for finding a tag eight bytes at a time. */
  private static final long OPEN_BRACES = 0x7B7B_7B7B_7B7B_7B7BL;
  private static final long LOW_BITS = 0x0101_0101_0101_0101L;
  private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

  /**
   * {@code TABLES[k * 256 + v]}: the CRC of byte {@code v} followed by {@code k} zero bytes, from
   * a zero register. Table 0 is the classic byte-at-a-time table.
   */
  private static final char[] TABLES = new char[8 * 256];

  static {
    for (int v = 0; v < 256; v++) {
      int crc = v << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = ((crc & 0x8000) != 0) ? ((crc << 1) ^ 0x1021) : (crc << 1);
      }
      TABLES[v] = (char) crc;
    }
    for (int k = 1; k < 8; k++) {
      for (int v = 0; v < 256; v++) {
        int c = TABLES[(k - 1) * 256 + v];
        TABLES[k * 256 + v] = (char) ((c << 8) ^ TABLES[(c >>> 8) & 0xFF]);
      }
    }
  }

  private KeySlot() {}

  /** Returns the hash slot of {@code key}. */
  public static int of(byte[] key) {
    return of(key, 0, key.length);
  }

  /** Returns the hash slot of the key stored in {@code bytes[offset, offset + length)}. */
  public static int of(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int open = indexOfOpenBrace(bytes, offset, end);
    if (open >= 0) {
      for (int i = open + 1; i < end; i++) {
        if (bytes[i] == '}') {
          if (i > open + 1) {
            return crc16(bytes, open + 1, i) & (SLOTS - 1);
          }
          break;
        }
      }
    }
    return crc16(bytes, offset, end) & (SLOTS - 1);
  }

  /**
   * Returns the index of the first {@code '{'} in {@code bytes[from, to)}, or -1; eight bytes a
   * step with the "has a zero byte" trick on the bytes XOR '{' (its lowest flag is exact).
   */
  private static int indexOfOpenBrace(byte[] bytes, int from, int to) {
    int i = from;
    for (; to - i >= 8; i += 8) {
      long v = (long) LITTLE_ENDIAN_LONGS.get(bytes, i) ^ OPEN_BRACES;
      long found = (v - LOW_BITS) & ~v & HIGH_BITS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '{') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Returns CRC16-XMODEM of {@code bytes[from, to)}, eight bytes per step ("slicing by eight"):
   * the register is folded into the first two of the next eight bytes, and each byte's share of
   * the result comes from the table for its distance to the end of the step, so the eight loads
   * are independent instead of a chain of eight dependent ones.
   */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    int i = from;
    for (; to - i >= 8; i += 8) {
      crc = crc16Word(crc, (long) BIG_ENDIAN_LONGS.get(bytes, i));
    }
    for (; i < to; i++) {
      crc = crc16Byte(crc, bytes[i]);
    }
    return crc;
  }

  /**
   * Returns the CRC16-XMODEM register after eight more bytes, given as one big-endian word; the
   * step of {@link #crc16}, for callers that read the key's words for other purposes too.
   */
  public static int crc16Word(int crc, long bigEndianWord) {
    long x = bigEndianWord ^ ((long) crc << 48);
    return TABLES[7 * 256 + (int) (x >>> 56)]
        ^ TABLES[6 * 256 + ((int) (x >>> 48) & 0xFF)]
        ^ TABLES[5 * 256 + ((int) (x >>> 40) & 0xFF)]
        ^ TABLES[4 * 256 + ((int) (x >>> 32) & 0xFF)]
        ^ TABLES[3 * 256 + ((int) (x >>> 24) & 0xFF)]
        ^ TABLES[2 * 256 + ((int) (x >>> 16) & 0xFF)]
        ^ TABLES[256 + ((int) (x >>> 8) & 0xFF)]
        ^ TABLES[(int) x & 0xFF];
  }

  /**
   * Returns the CRC16-XMODEM register after the last {@code count} (1 to 7) bytes of a key, given
   * as the low bytes of one big-endian word whose other bytes are zero. The register is folded
   * into the first two of those bytes as in {@link #crc16Word}; the zero bytes above them pick
   * entry 0 of their tables, which is 0, so eight independent loads serve any count, and four
   * serve a tail of at most four bytes (a key of 9 to 12 bytes). A one-byte tail keeps the
   * register's low byte, which no table covers, shifted in directly.
   */
  public static int crc16Tail(int crc, long bigEndianTail, int count) {
    long fold = ((long) crc << 48) >>> (64 - 8 * count);
    int kept = (int) (((long) crc << (8 * count)) & 0xFFFF);
    long x = bigEndianTail ^ fold;
    if (count <= 4) {
      return TABLES[3 * 256 + ((int) (x >>> 24) & 0xFF)]
          ^ TABLES[2 * 256 + ((int) (x >>> 16) & 0xFF)]
          ^ TABLES[256 + ((int) (x >>> 8) & 0xFF)]
          ^ TABLES[(int) x & 0xFF]
          ^ kept;
    }
    return crc16Word(0, x) ^ kept;
  }

  /** Returns the CRC16-XMODEM register after one more byte. */
  public static int crc16Byte(int crc, byte b) {
    return ((crc << 8) ^ TABLES[((crc >>> 8) ^ b) & 0xFF]) & 0xFFFF;
  }

  /** Returns whether some byte of {@code word} is {@code '{'}, the start of a hash tag. */
  public static boolean hasOpenBrace(long word) {
    long v = word ^ OPEN_BRACES;
    return ((v - LOW_BITS) & ~v & HIGH_BITS) != 0;
  }
}
