package io.tiercel.bench.load;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The bytes of keys and values, built so that any value read back can be checked without
 * remembering what was written.
 *
 * <p>The value of key k with length L is the L bytes of a fixed pseudo-random printable pattern
 * (period 251, a prime) starting at an offset derived from k. Every SET of a key writes a prefix
 * of the same stream, whatever its length, so a GET is right exactly when its length is a
 * possible value size and its bytes are the pattern at k's offset; a value that belongs to
 * another key is caught 250 times in 251. Writing a value is one bulk copy, with no allocation.
 */
public final class Values {
  private static final int PERIOD = 251;

  private final byte[] keyPrefix;
  private final byte[] pattern;

  /** Creates the pattern for values of up to {@code maxLength} bytes. */
  public Values(String keyPrefix, int maxLength) {
    this.keyPrefix = keyPrefix.getBytes(StandardCharsets.US_ASCII);
    byte[] period = new byte[PERIOD];
    SplittableRandom random = new SplittableRandom(251);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < PERIOD; i++) {
      period[i] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
    }
    pattern = new byte[maxLength + PERIOD];
    for (int i = 0; i < pattern.length; i++) {
      pattern[i] = period[i % PERIOD];
    }
  }

  /** Returns the length in bytes of key {@code key}. */
  public int keyLength(int key) {
    return keyPrefix.length + digits(key);
  }

  /** Writes key {@code key} (the prefix, then the index in decimal) into {@code out}. */
  public void writeKey(ByteBuffer out, int key) {
    out.put(keyPrefix);
    Ascii.putLong(out, key);
  }

  /** Returns key {@code key} as a string (tests and error messages). */
  public String key(int key) {
    return new String(keyPrefix, StandardCharsets.US_ASCII) + key;
  }

  /** Writes the {@code length}-byte value of key {@code key} into {@code out}. */
  public void writeValue(ByteBuffer out, int key, int length) {
    out.put(pattern, offset(key), length);
  }

  /** Returns the {@code length}-byte value of key {@code key} (tests). */
  public byte[] value(int key, int length) {
    byte[] value = new byte[length];
    System.arraycopy(pattern, offset(key), value, 0, length);
    return value;
  }

  /** Returns whether {@code length} bytes of {@code in} at {@code position} are key's value. */
  public boolean matches(ByteBuffer in, int position, int length, int key) {
    if (length > pattern.length - PERIOD) {
      return false;
    }
    int offset = offset(key);
    return in.hasArray()
        ? java.util.Arrays.equals(in.array(), in.arrayOffset() + position,
            in.arrayOffset() + position + length, pattern, offset, offset + length)
        : in.slice(position, length).equals(ByteBuffer.wrap(pattern, offset, length));
  }

  private static int offset(int key) {
    return (int) Math.floorMod(KeyDistribution.RankToKey.mix(key), (long) PERIOD);
  }

  static int digits(long value) {
    int digits = 1;
    while (value >= 10) {
      value /= 10;
      digits++;
    }
    return digits;
  }
}
