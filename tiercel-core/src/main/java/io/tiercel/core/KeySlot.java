package io.tiercel.core;

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

  /** CRC of one byte {@code i} (as the high byte of the register). */
  private static final char[] TABLE = new char[256];
  /** CRC of byte {@code i} followed by a zero byte: lets {@link #crc16} take two bytes a step. */
  private static final char[] TABLE_HIGH = new char[256];

  static {
    for (int i = 0; i < 256; i++) {
      int crc = i << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = ((crc & 0x8000) != 0) ? ((crc << 1) ^ 0x1021) : (crc << 1);
      }
      TABLE[i] = (char) crc;
    }
    for (int i = 0; i < 256; i++) {
      TABLE_HIGH[i] = (char) ((TABLE[i] << 8) ^ TABLE[(TABLE[i] >>> 8) & 0xFF]);
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
    int open = -1;
    for (int i = offset; i < end; i++) {
      if (bytes[i] == '{') {
        open = i;
        break;
      }
    }
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
   * Returns CRC16-XMODEM of {@code bytes[from, to)}, two bytes per step ("slicing by two"): the
   * register XORed with the next 16 bits is fed through a table for each half, which halves the
   * chain of dependent table loads that bounds a byte-at-a-time CRC.
   */
  static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    int i = from;
    for (; to - i >= 2; i += 2) {
      int x = crc ^ (((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF));
      crc = TABLE_HIGH[x >>> 8] ^ TABLE[x & 0xFF];
    }
    if (i < to) {
      crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ bytes[i]) & 0xFF]) & 0xFFFF;
    }
    return crc;
  }
}
