package io.tiercel.core.store;

import io.tiercel.core.Cache;
import io.tiercel.core.KeySlot;
import io.tiercel.core.eviction.PolicyNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One key and its value, stored together in a single array so an entry costs one array header
 * instead of two.
 *
 * <p><b>Layout.</b> {@code data = key length ++ key ++ value}. The key length is one byte for
 * keys under 128 bytes (nearly every cache key); longer keys start with a marker byte,
 * {@link #LONG_KEY}, and their length as a 4-byte int. The length comes first so that a lookup,
 * which compares the length and then the key bytes, reads only the start of the array: the
 * array header, the length and a short key share one or two cache lines however long the value
 * is. (Until branch {@code coreperf3} the length sat at the end, and a hit on a 100-byte value
 * touched a line at each end of the array.) The key hash (30 bits, see {@link KeyHash}) shares
 * an int with the policy's queue id, and the cluster slot is recomputed from the key when a
 * write needs it (a CRC over a few bytes, on the write path only). So the entry holds the
 * policy's two links, that int and the array: 24 bytes with compact object headers, where a
 * field each for the hash, key length, slot and queue made 32.
 *
 * <p>Immutable but for the policy's links and queue id: a write to a key makes a new entry
 * (possibly sharing the same data array when only the expiry changes), which is what lets readers
 * go without locks. Entries without a time to live use this class; {@link TimedEntry} adds the
 * expiry only where one is set, as Caffeine specializes its nodes per feature.
 */
class Entry extends PolicyNode {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** Keys up to this many bytes are compared inline. */
  private static final int INLINE_COMPARE = 32;
  /** Keys shorter than this store their length in one trailing byte. */
  static final int SHORT_KEY = 128;
  /** The last byte of an entry whose key length is the int before it. */
  static final byte LONG_KEY = -1;

  final byte[] data;

  Entry(byte[] data, int hash) {
    super(hash);
    this.data = data;
  }

  /** Returns {@code key length ++ key ++ value}, the data array of an entry. */
  static byte[] layout(byte[] key, byte[] value) {
    int keyLength = key.length;
    int offset = keyOffset(keyLength);
    byte[] data = new byte[offset + keyLength + value.length];
    if (offset == 1) {
      data[0] = (byte) keyLength;
    } else {
      data[0] = LONG_KEY;
      INTS.set(data, 1, keyLength);
    }
    System.arraycopy(key, 0, data, offset, keyLength);
    System.arraycopy(value, 0, data, offset + keyLength, value.length);
    return data;
  }

  /** Returns where a key of this length starts in the data array: after its length. */
  private static int keyOffset(int keyLength) {
    return keyLength < SHORT_KEY ? 1 : 5;
  }

  /** Returns the key's hash, as {@link KeyHash#hash} gave it. */
  final int hash() {
    return lowBits();
  }

  @Override
  public final int keyHash() {
    return lowBits();
  }

  /** Returns the length of the key, read from the start of {@link #data}. */
  final int keyLength() {
    byte[] d = data;
    int first = d[0];
    return first >= 0 ? first : (int) INTS.get(d, 1);
  }

  /** Returns where the key starts in {@link #data}. */
  final int keyOffset() {
    return data[0] >= 0 ? 1 : 5;
  }

  /** Returns where the value starts in {@link #data}. */
  final int valueOffset() {
    byte[] d = data;
    int first = d[0];
    return first >= 0 ? 1 + first : 5 + (int) INTS.get(d, 1);
  }

  /** Returns the cluster slot of the key, recomputed from its bytes. */
  final int slot() {
    return KeySlot.of(data, keyOffset(), keyLength());
  }

  /** Returns the expiry in epoch ms, or {@link Cache#NO_EXPIRY}. */
  long expireAt() {
    return Cache.NO_EXPIRY;
  }

  /** Returns whether the entry's time to live has run out at {@code now}. */
  boolean isExpired(long now) {
    return false;
  }

  /**
   * Returns whether this entry's key equals {@code key}. The stored length is compared first; it
   * is the array's first byte, on the cache line the key bytes share. Short keys (most cache
   * keys) are then compared eight bytes at a time inline, which profiles showed is far cheaper
   * than a call to the vectorized {@link Arrays#equals} for keys of a few words.
   */
  final boolean keyEquals(byte[] key) {
    byte[] d = data;
    int length = key.length;
    if (length >= SHORT_KEY) {
      return d[0] == LONG_KEY
          && (int) INTS.get(d, 1) == length
          && Arrays.equals(d, 5, 5 + length, key, 0, length);
    }
    if (d[0] != length) {
      return false;
    }
    if (length > INLINE_COMPARE) {
      return Arrays.equals(d, 1, 1 + length, key, 0, length);
    }
    int i = 0;
    for (; length - i >= 8; i += 8) {
      if ((long) LONGS.get(d, 1 + i) != (long) LONGS.get(key, i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (d[1 + i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  /** Returns a copy of the key. */
  final byte[] key() {
    int offset = keyOffset();
    return Arrays.copyOfRange(data, offset, offset + keyLength());
  }

  /** Returns a copy of the value. */
  final byte[] value() {
    return Arrays.copyOfRange(data, valueOffset(), data.length);
  }

  /** Returns the value's length; it starts at {@link #valueOffset()}. */
  final int valueLength() {
    return data.length - valueOffset();
  }

  @Override
  public int weight() {
    return EntrySizes.weight(data.length, false);
  }

  /** Returns a new entry with the same key and value expiring at {@code expireAt}. */
  final Entry withExpiry(long expireAt) {
    return create(data, hash(), expireAt);
  }

  /** Returns an entry of the right layout for {@code expireAt}. */
  static Entry create(byte[] data, int hash, long expireAt) {
    return expireAt == Cache.NO_EXPIRY
        ? new Entry(data, hash)
        : new TimedEntry(data, hash, expireAt);
  }
}
