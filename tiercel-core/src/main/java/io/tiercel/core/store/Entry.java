package io.tiercel.core.store;

import io.tiercel.core.Cache;
import io.tiercel.core.KeySlot;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.eviction.PolicyNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One key and its value, stored together in a single array so an entry costs one array header
 * instead of two.
 *
 * <p><b>Layout.</b> {@code data = key ++ value ++ key length} ({@link PackedKeyValue}, which
 * writers use to fill an entry's array themselves). The key length is one byte for keys
 * under 128 bytes (nearly every cache key); longer keys end in their length as a 4-byte int and a
 * marker byte, {@link #LONG_KEY}. An array's padding to 8 bytes often absorbs that byte. The key
 * hash (30 bits, see {@link KeyHash}) shares an int with the policy's queue id, and the cluster
 * slot is recomputed from the key when a write needs it (a CRC over a few bytes, on the write
 * path only). So the entry holds the policy's two links, that int and the array: 24 bytes with
 * compact object headers, where a field each for the hash, key length, slot and queue made 32.
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
  static final int SHORT_KEY = PackedKeyValue.SHORT_KEY;
  /** The last byte of an entry whose key length is the int before it. */
  static final byte LONG_KEY = PackedKeyValue.LONG_KEY;

  final byte[] data;

  Entry(byte[] data, int hash) {
    super(hash);
    this.data = data;
  }

  /** Returns {@code key ++ value ++ key length}, the data array of an entry. */
  static byte[] layout(byte[] key, byte[] value) {
    return PackedKeyValue.pack(key, value);
  }

  /** Returns the bytes {@link #layout} adds to a key and value of these lengths. */
  static int layoutOverhead(int keyLength) {
    return PackedKeyValue.overhead(keyLength);
  }

  /** Returns the key's hash, as {@link KeyHash#hash} gave it. */
  final int hash() {
    return lowBits();
  }

  @Override
  public final int keyHash() {
    return lowBits();
  }

  /** Returns the length of the key, read from the end of {@link #data}. */
  final int keyLength() {
    byte[] d = data;
    int last = d[d.length - 1];
    return last >= 0 ? last : (int) INTS.get(d, d.length - 5);
  }

  /** Returns the cluster slot of the key, recomputed from its bytes. */
  final int slot() {
    return KeySlot.of(data, 0, keyLength());
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
   * Returns whether this entry's key equals {@code key}. Short keys (most cache keys) are compared
   * eight bytes at a time inline, which profiles showed is far cheaper than a call to the
   * vectorized {@link Arrays#equals} for keys of a few words; a key of 8 to 32 bytes ends with a
   * word that overlaps the one before it rather than a byte loop. The key bytes are compared before
   * the stored length, which sits at the end of the array, so the two loads overlap.
   */
  final boolean keyEquals(byte[] key) {
    return keyEquals(key, key.length);
  }

  /**
   * Returns whether this entry's key equals the first {@code length} bytes of {@code other}: the
   * write path's form, where the key is the prefix of the new entry's packed data, and the
   * lookups' (the whole of {@code other}) through {@link #keyEquals(byte[])}.
   */
  final boolean keyEquals(byte[] other, int length) {
    byte[] d = data;
    if (d.length <= length) {
      return false;
    }
    if (length > INLINE_COMPARE) {
      return Arrays.equals(d, 0, length, other, 0, length) && keyLength() == length;
    }
    if (length >= 8) {
      // Whole words, the last one ending at the key's end (it may overlap the one before): no
      // byte loop for any length from 8 to 32.
      int last = length - 8;
      for (int i = 0; i < last; i += 8) {
        if ((long) LONGS.get(d, i) != (long) LONGS.get(other, i)) {
          return false;
        }
      }
      if ((long) LONGS.get(d, last) != (long) LONGS.get(other, last)) {
        return false;
      }
    } else {
      for (int i = 0; i < length; i++) {
        if (d[i] != other[i]) {
          return false;
        }
      }
    }
    return d[d.length - 1] == length;
  }

  /** Returns a copy of the key. */
  final byte[] key() {
    return Arrays.copyOf(data, keyLength());
  }

  /** Returns a copy of the value. */
  final byte[] value() {
    int keyLength = keyLength();
    return Arrays.copyOfRange(data, keyLength, data.length - layoutOverhead(keyLength));
  }

  /** Returns the value's length; it starts at {@link #keyLength()}. */
  final int valueLength() {
    int keyLength = keyLength();
    return data.length - keyLength - layoutOverhead(keyLength);
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
