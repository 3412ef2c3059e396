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
 * <p><b>Layout.</b> {@code key ++ value ++ key length}: the key at offset 0, the value right after
 * it, then the key's length. Keys under 128 bytes (nearly every cache key) store it in one
 * trailing byte; longer keys end in their length as a 4-byte big-endian int and a marker byte,
 * -1. A plain {@code key ++ value} with the length passed aside would save nothing: the store
 * would have to copy it once more to append the length.
 */
public final class PackedKeyValue {
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** Keys shorter than this store their length in one trailing byte. */
  public static final int SHORT_KEY = 128;
  /** The last byte of a packed array whose key length is the int before it. */
  public static final byte LONG_KEY = -1;
  /** The largest key plus value a packed array holds, leaving room for the length. */
  private static final long MAX_PACKED = Integer.MAX_VALUE - 32;

  private PackedKeyValue() {}

  /**
   * Returns a zeroed array for a key and value of these lengths, its trailing key length already
   * written: the caller copies the key to offset 0 and the value to offset {@code keyLength}.
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
    if (keyLength < SHORT_KEY) {
      packed[packed.length - 1] = (byte) keyLength;
    } else {
      INTS.set(packed, packed.length - 5, keyLength);
      packed[packed.length - 1] = LONG_KEY;
    }
    return packed;
  }

  /** Returns {@code key} and {@code value} packed into a new array. */
  public static byte[] pack(byte[] key, byte[] value) {
    byte[] packed = allocate(key.length, value.length);
    System.arraycopy(key, 0, packed, 0, key.length);
    System.arraycopy(value, 0, packed, key.length, value.length);
    return packed;
  }

  /** Returns the bytes the layout adds after a key of this length and its value. */
  public static int overhead(int keyLength) {
    return keyLength < SHORT_KEY ? 1 : 5;
  }

  /**
   * Returns the length of the key in {@code packed}, read from its end.
   *
   * @throws IllegalArgumentException if the array's end is not a packed key length
   */
  public static int keyLength(byte[] packed) {
    int n = packed.length;
    if (n == 0) {
      throw new IllegalArgumentException("packed key and value: empty array");
    }
    int last = packed[n - 1];
    int keyLength;
    if (last >= 0) {
      keyLength = last;
    } else if (last == LONG_KEY && n >= 5) {
      keyLength = (int) INTS.get(packed, n - 5);
      if (keyLength < SHORT_KEY) {
        keyLength = -1;
      }
    } else {
      keyLength = -1;
    }
    if (keyLength < 0 || keyLength > n - overhead(keyLength)) {
      throw new IllegalArgumentException(
          "packed key and value: the array of " + n + " bytes does not end in a key length");
    }
    return keyLength;
  }

  /** Returns the length of the value in {@code packed}; it starts at {@link #keyLength}. */
  public static int valueLength(byte[] packed) {
    int keyLength = keyLength(packed);
    return packed.length - keyLength - overhead(keyLength);
  }

  /** Returns a copy of the key in {@code packed}. */
  public static byte[] key(byte[] packed) {
    return Arrays.copyOf(packed, keyLength(packed));
  }

  /** Returns a copy of the value in {@code packed}. */
  public static byte[] value(byte[] packed) {
    int keyLength = keyLength(packed);
    return Arrays.copyOfRange(packed, keyLength, packed.length - overhead(keyLength));
  }
}
