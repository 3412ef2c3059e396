package io.tiercel.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A key and its value packed into one array in the layout the store keeps them in, so a writer
 * that fills such an array straight from its input ({@link Cache#putPacked}) hands the cache its
 * entry's storage and nothing is copied again.
 *
 * <p><b>Layout.</b> {@code key length ++ key ++ value}: a header holding the key's length, the key
 * right after it, then the value up to the array's end (so the value's length needs no field). A
 * key under 128 bytes (nearly every cache key) has a one-byte header, its length, which is never
 * negative; a longer key has a four-byte header, its length as a big-endian int with the top bit
 * set, so the header's first byte tells the two forms apart. The short form is the only one for
 * short keys, so two arrays hold the same key exactly when their header-and-key prefixes are equal.
 *
 * <p><b>Why the length comes first.</b> A lookup compares the key it is given with a stored one,
 * and needs the stored key's length to do so. With the length after the value (as the layout was
 * once), every lookup touched the array's end, a second cache line for any value past a few dozen
 * bytes; in front, the length and the key share the array's first line, and a read then finds
 * where the value starts from that same byte. A plain {@code key ++ value} with the length passed
 * aside would save nothing: the store would have to copy it once more to add the length.
 */
public final class PackedKeyValue {
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** Keys shorter than this have a one-byte header: their length. */
  public static final int SHORT_KEY = 128;
  /** The bit set in the int header of a key of {@link #SHORT_KEY} bytes or more. */
  public static final int LONG_KEY = Integer.MIN_VALUE;
  /** The largest key plus value a packed array holds, leaving room for the header. */
  private static final long MAX_PACKED = Integer.MAX_VALUE - 32;

  private PackedKeyValue() {}

  /**
   * Returns a zeroed array for a key and value of these lengths, its key length header already
   * written: the caller copies the key to {@link #keyOffset(int) keyOffset(keyLength)} and the
   * value to {@link #valueOffset(int) valueOffset(keyLength)}.
   *
   * @throws CacheFullException if key and value together exceed 2 GB
   */
  public static byte[] allocate(int keyLength, int valueLength) {
    if (keyLength < 0 || valueLength < 0) {
      throw new IllegalArgumentException(
          "lengths: " + keyLength + ", " + valueLength + " (expected: >= 0)");
    }
    if ((long) keyLength + valueLength > MAX_PACKED) {
      throw new CacheFullException("key and value together exceed 2 GB");
    }
    byte[] packed = new byte[keyLength + valueLength + overhead(keyLength)];
    writeHeader(packed, keyLength);
    return packed;
  }

  /**
   * Writes the header of a key of {@code keyLength} bytes at the start of {@code packed}, whose
   * key then goes to {@link #keyOffset(int) keyOffset(keyLength)}: for a writer that packs into
   * an array of its own, such as a scratch array it passes to
   * {@link Cache#putPacked(byte[], int, long)}.
   */
  public static void writeHeader(byte[] packed, int keyLength) {
    if (keyLength < SHORT_KEY) {
      packed[0] = (byte) keyLength;
    } else {
      INTS.set(packed, 0, keyLength | LONG_KEY);
    }
  }

  /** Returns {@code key} and {@code value} packed into a new array. */
  public static byte[] pack(byte[] key, byte[] value) {
    byte[] packed = allocate(key.length, value.length);
    int keyOffset = keyOffset(key.length);
    System.arraycopy(key, 0, packed, keyOffset, key.length);
    System.arraycopy(value, 0, packed, keyOffset + key.length, value.length);
    return packed;
  }

  /** Returns the bytes the layout adds to a key of this length and its value: its header. */
  public static int overhead(int keyLength) {
    return keyLength < SHORT_KEY ? 1 : 4;
  }

  /** Returns where a key of this length starts in its packed array: after the header. */
  public static int keyOffset(int keyLength) {
    return overhead(keyLength);
  }

  /** Returns where the value starts in a packed array whose key has this length. */
  public static int valueOffset(int keyLength) {
    return overhead(keyLength) + keyLength;
  }

  /**
   * Returns the length of the key in {@code packed}, read from its header.
   *
   * @throws IllegalArgumentException if the array does not start with a key length that fits it
   */
  public static int keyLength(byte[] packed) {
    return keyLength(packed, packed.length);
  }

  /**
   * Returns the length of the key packed in {@code packed[0, n)}, read from its header.
   *
   * @throws IllegalArgumentException if {@code n} is past the array's end or the first {@code n}
   *     bytes do not start with a key length that fits them
   */
  public static int keyLength(byte[] packed, int n) {
    if (n > packed.length) {
      throw new IllegalArgumentException(
          "packed key and value: " + n + " bytes of an array of " + packed.length);
    }
    if (n <= 0) {
      throw new IllegalArgumentException("packed key and value: empty array");
    }
    int keyLength;
    if (packed[0] >= 0) {
      keyLength = packed[0];
    } else if (n >= 4) {
      keyLength = (int) INTS.get(packed, 0) & ~LONG_KEY;
      if (keyLength < SHORT_KEY) {
        keyLength = -1;
      }
    } else {
      keyLength = -1;
    }
    if (keyLength < 0 || keyLength > n - overhead(keyLength)) {
      throw new IllegalArgumentException(
          "packed key and value: the " + n + " bytes do not start with a key length");
    }
    return keyLength;
  }

  /** Returns where the key starts in {@code packed}. */
  public static int keyOffset(byte[] packed) {
    return keyOffset(keyLength(packed));
  }

  /** Returns where the value starts in {@code packed}: right after the key. */
  public static int valueOffset(byte[] packed) {
    return valueOffset(keyLength(packed));
  }

  /** Returns the length of the value in {@code packed}; it runs to the array's end. */
  public static int valueLength(byte[] packed) {
    return packed.length - valueOffset(packed);
  }

  /** Returns the key and value packed in {@code packed[0, length)} as an array of their own. */
  public static byte[] copy(byte[] packed, int length) {
    keyLength(packed, length);
    return Arrays.copyOf(packed, length);
  }

  /** Returns a copy of the key in {@code packed}. */
  public static byte[] key(byte[] packed) {
    int keyLength = keyLength(packed);
    int keyOffset = keyOffset(keyLength);
    return Arrays.copyOfRange(packed, keyOffset, keyOffset + keyLength);
  }

  /** Returns a copy of the value in {@code packed}. */
  public static byte[] value(byte[] packed) {
    return Arrays.copyOfRange(packed, valueOffset(packed), packed.length);
  }
}
