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
 * <p><b>Layout.</b> {@code data = key length ++ key ++ value} ({@link PackedKeyValue}, which
 * writers use to fill an entry's array themselves). The key length is a one-byte header for keys
 * under 128 bytes (nearly every cache key); longer keys start with a four-byte header, their
 * length as an int with the top bit set ({@link PackedKeyValue#LONG_KEY}), so the first byte is
 * negative. The value runs from the key's end to the array's end. An array's padding to 8 bytes
 * often absorbs the header byte. The key hash (30 bits, see {@link KeyHash}) shares an int with
 * the policy's queue id, and the cluster slot is recomputed from the key when a write needs it (a
 * CRC over a few bytes, on the write path only). So the entry holds the policy's two links, that
 * int and the array: 24 bytes with compact object headers, where a field each for the hash, key
 * length, slot and queue made 32.
 *
 * <p><b>Why the length leads.</b> Every lookup reads the stored key's length (to compare keys)
 * and a read then needs where the value starts. In front of the key, the length shares the first
 * cache line of the array with the key, and the value's offset and length follow from it and the
 * array's length (held in the array's header, on the same line): a hit on a short key touches one
 * line of the array until the value itself is copied. The length used to trail the value, which
 * cost every lookup a second line for values past a few dozen bytes. A lookup checks the length
 * byte first: a key of another length is rejected without reading any key byte, and a matching
 * one guarantees the array is long enough for the comparison.
 *
 * <p>Immutable but for the policy's links and queue id, and for the value's bytes: a write to a key
 * makes a new entry (possibly sharing the same data array when only the expiry changes), which is
 * what lets readers go without locks, except that a value of the same length for an entry without
 * an expiry is copied over the old one under the stripe lock, and lock-free readers of value bytes
 * check {@link OverwriteVersions} ("Overwrites in place" in {@link BoundedCache}). The key and the
 * array's length never change. Entries without a time to live use this class; {@link TimedEntry}
 * adds the expiry only where one is set, as Caffeine specializes its nodes per feature.
 */
class Entry extends PolicyNode {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  /** Keys up to this many bytes are compared inline. */
  private static final int INLINE_COMPARE = 32;
  /** Keys shorter than this have a one-byte header: their length. */
  static final int SHORT_KEY = PackedKeyValue.SHORT_KEY;
  /** The bit set in the int header of a long key. */
  static final int LONG_KEY = PackedKeyValue.LONG_KEY;

  final byte[] data;

  Entry(byte[] data, int hash) {
    super(hash);
    this.data = data;
  }

  /** Returns {@code key length ++ key ++ value}, the data array of an entry. */
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

  /** Returns the length of the key, read from the header at the start of {@link #data}. */
  final int keyLength() {
    byte[] d = data;
    int first = d[0];
    return first >= 0 ? first : (int) INTS.get(d, 0) & ~LONG_KEY;
  }

  /** Returns where the key starts in {@link #data}: after its one- or four-byte header. */
  final int keyOffset() {
    return data[0] >= 0 ? 1 : 4;
  }

  /** Returns where the value starts in {@link #data}: right after the key. */
  final int valueOffset() {
    byte[] d = data;
    int first = d[0];
    return first >= 0 ? first + 1 : ((int) INTS.get(d, 0) & ~LONG_KEY) + 4;
  }

  /** Returns the value's length; it runs from {@link #valueOffset()} to the array's end. */
  final int valueLength() {
    return data.length - valueOffset();
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
   * Returns whether this entry's key equals {@code key}: the lookups' comparison. The length in
   * the header is compared first (one byte for a short key, on the line the key starts on), then
   * the key bytes, through {@link #sameBytes}.
   */
  final boolean keyEquals(byte[] key) {
    byte[] d = data;
    int length = key.length;
    if (length < SHORT_KEY) {
      // A matching header means the array holds the whole key after it: no bounds test.
      return d[0] == length && sameBytes(d, 1, key, 0, length);
    }
    return d.length >= length + 4
        && (int) INTS.get(d, 0) == (length | LONG_KEY)
        && Arrays.equals(d, 4, 4 + length, key, 0, length);
  }

  /**
   * Returns whether this entry's key equals {@code other}'s: the write path's comparison, where
   * the key is read from the new entry's own data. Headers are canonical (a short key always has
   * the one-byte form), so equal headers mean equal key lengths.
   */
  final boolean keyEquals(Entry other) {
    return keyEqualsPacked(other.data);
  }

  /**
   * Returns whether this entry's key equals the key packed at the start of {@code o} (a
   * {@link PackedKeyValue} array, whose length may exceed what it holds): the in-place write's
   * comparison, as {@link #keyEquals(Entry)} does for a new entry.
   */
  final boolean keyEqualsPacked(byte[] o) {
    byte[] d = data;
    int first = o[0];
    if (first >= 0) {
      return d[0] == first && sameBytes(d, 1, o, 1, first);
    }
    int header = (int) INTS.get(o, 0);
    int length = header & ~LONG_KEY;
    return d.length >= length + 4
        && (int) INTS.get(d, 0) == header
        && Arrays.equals(d, 4, 4 + length, o, 4, 4 + length);
  }

  /**
   * Returns whether {@code a[aFrom, aFrom + length)} equals {@code b[bFrom, bFrom + length)}. Short
   * keys (most cache keys) are compared eight bytes at a time inline, which profiles showed is far
   * cheaper than a call to the vectorized {@link Arrays#equals} for keys of a few words; a key of 8
   * to 32 bytes ends with a word that overlaps the one before it rather than a byte loop.
   */
  private static boolean sameBytes(byte[] a, int aFrom, byte[] b, int bFrom, int length) {
    if (length > INLINE_COMPARE) {
      return Arrays.equals(a, aFrom, aFrom + length, b, bFrom, bFrom + length);
    }
    if (length >= 8) {
      int last = length - 8;
      for (int i = 0; i < last; i += 8) {
        if ((long) LONGS.get(a, aFrom + i) != (long) LONGS.get(b, bFrom + i)) {
          return false;
        }
      }
      return (long) LONGS.get(a, aFrom + last) == (long) LONGS.get(b, bFrom + last);
    }
    for (int i = 0; i < length; i++) {
      if (a[aFrom + i] != b[bFrom + i]) {
        return false;
      }
    }
    return true;
  }

  /** Returns a copy of the key. */
  final byte[] key() {
    int keyOffset = keyOffset();
    return Arrays.copyOfRange(data, keyOffset, keyOffset + keyLength());
  }

  /** Returns a copy of the value. */
  final byte[] value() {
    return Arrays.copyOfRange(data, valueOffset(), data.length);
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
