package io.tiercel.core.store;

import io.tiercel.core.Cache;
import io.tiercel.core.eviction.PolicyNode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One key and its value, stored together in a single array ({@code data = key ++ value}) so an
 * entry costs one array header instead of two.
 *
 * <p>Immutable but for the policy links it inherits: a write to a key makes a new entry (possibly
 * sharing the same data array when only the expiry changes), which is what lets readers go
 * without locks. Entries without a time to live use this class; {@link TimedEntry} adds the
 * expiry only where one is set, as Caffeine specializes its nodes per feature.
 */
class Entry extends PolicyNode {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
  /** Keys up to this many bytes are compared inline. */
  private static final int INLINE_COMPARE = 32;

  final byte[] data;
  final int hash;
  final int keyLength;
  final short slot;

  Entry(byte[] data, int hash, int keyLength, int slot) {
    this.data = data;
    this.hash = hash;
    this.keyLength = keyLength;
    this.slot = (short) slot;
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
   * vectorized {@link Arrays#equals} for keys of a few words.
   */
  final boolean keyEquals(byte[] key) {
    int length = keyLength;
    if (length != key.length) {
      return false;
    }
    if (length > INLINE_COMPARE) {
      return Arrays.equals(data, 0, length, key, 0, length);
    }
    byte[] d = data;
    int i = 0;
    for (; length - i >= 8; i += 8) {
      if ((long) LONGS.get(d, i) != (long) LONGS.get(key, i)) {
        return false;
      }
    }
    for (; i < length; i++) {
      if (d[i] != key[i]) {
        return false;
      }
    }
    return true;
  }

  /** Returns a copy of the key. */
  final byte[] key() {
    return Arrays.copyOf(data, keyLength);
  }

  /** Returns a copy of the value. */
  final byte[] value() {
    return Arrays.copyOfRange(data, keyLength, data.length);
  }

  final int valueLength() {
    return data.length - keyLength;
  }

  @Override
  public int weight() {
    return EntrySizes.weight(data.length, false);
  }

  @Override
  public final int keyHash() {
    return hash;
  }

  /** Returns a new entry with the same key and value expiring at {@code expireAt}. */
  final Entry withExpiry(long expireAt) {
    return create(data, hash, keyLength, slot, expireAt);
  }

  /** Returns an entry of the right layout for {@code expireAt}. */
  static Entry create(byte[] data, int hash, int keyLength, int slot, long expireAt) {
    return expireAt == Cache.NO_EXPIRY
        ? new Entry(data, hash, keyLength, slot)
        : new TimedEntry(data, hash, keyLength, slot, expireAt);
  }
}
