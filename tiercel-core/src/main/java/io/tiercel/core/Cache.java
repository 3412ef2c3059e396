package io.tiercel.core;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One named cache of byte keys and byte values under a memory budget.
 *
 * <p>Every single-key operation is linearizable. Reads never block; writes to one key are
 * exclusive, while writes to different keys mostly proceed in parallel. Expired entries are never
 * returned. Arrays passed in become the cache's (callers must not change them afterwards); arrays
 * returned are copies the caller owns.
 */
public interface Cache {
  /** {@link #expireAt}, {@link #entryWeight} and {@link #frequency} of a key that is not present. */
  long ABSENT = -2;
  /** {@link #expireAt} of a key that never expires; also "no expiry" where one is passed. */
  long NO_EXPIRY = -1;
  /** Passed where an expiry is expected: the cache's default time to live from now, if any. */
  long DEFAULT_TTL = -3;
  /** {@link #frequency} of a key in a cache whose eviction policy counts no frequencies. */
  long FREQUENCY_NOT_TRACKED = -1;

  /** Returns the cache's name. */
  String name();

  /** Returns the cache's current settings. */
  CacheConfig config();

  /** Returns a copy of the value of {@code key}, or null if it is absent or expired. */
  byte[] get(byte[] key);

  /**
   * Passes the live value of {@code key} to {@code reader} without copying it and returns what
   * the reader returns, or null if the key is absent or expired. The reader must not keep or
   * change the array.
   */
  <R> R read(byte[] key, ValueReader<R> reader);

  /**
   * Reads as {@link #read} does the key packed at the start of {@code packed[0, length)} (its
   * {@link PackedKeyValue} header and bytes; whatever follows the key is ignored), so a server
   * can look a request's key up from a scratch array it reuses. A cache that stores entries in
   * this layout compares the key where it lies and allocates nothing; this default copies it.
   *
   * @throws IllegalArgumentException if {@code packed} does not start with a key length that
   *     {@code length} holds
   */
  default <R> R readPacked(byte[] packed, int length, ValueReader<R> reader) {
    int keyLength = PackedKeyValue.keyLength(packed, length);
    int from = PackedKeyValue.keyOffset(keyLength);
    return read(Arrays.copyOfRange(packed, from, from + keyLength), reader);
  }

  /** Returns whether {@code key} holds a live value, without counting a hit or a miss. */
  boolean containsKey(byte[] key);

  /*
   * Inspection (MEMORY USAGE, OBJECT). The three methods below look at the entry the cache holds
   * in memory, as an administrator's tool does: they count neither a hit nor a miss, are not an
   * access for the eviction policy, and never load from or wait for a backing store. They are rare
   * calls and may cost more than a read; the read path pays nothing for them.
   */

  /**
   * Passes the live value of {@code key} to {@code reader} as {@link #read} does, but as an
   * inspection (see above); returns null if the cache holds no live value for the key.
   */
  <R> R peek(byte[] key, ValueReader<R> reader);

  /**
   * Returns the bytes {@code key}'s entry is charged against the cache's budget (key, value and
   * the entry's overhead, as {@link #weightedSize} sums them), or {@link #ABSENT} if the cache
   * holds no live value for the key. An inspection (see above).
   */
  long entryWeight(byte[] key);

  /**
   * Returns the eviction policy's estimate of how often {@code key} was requested recently (the
   * W-TinyLFU sketch's count, 0 to 15), {@link #ABSENT} if the cache holds no live value for the
   * key, or {@link #FREQUENCY_NOT_TRACKED} if its policy counts no frequencies (lru, arc). An
   * inspection (see above); it applies pending maintenance first, so buffered reads are counted.
   */
  long frequency(byte[] key);

  /**
   * Hints that the keys of {@code batch} are about to be read or written: a cache may load the
   * memory their lookups will touch now, all together, so that their cache misses overlap instead
   * of coming one after another. Changes nothing. An implementation passes a value made of what
   * it loaded to {@link KeyBatch#keep}, so the loads are not optimized away.
   */
  default void prefetch(KeyBatch batch) {}

  /** Stores {@code value} under {@code key} with the cache's default time to live. */
  void put(byte[] key, byte[] value);

  /**
   * Stores {@code value} under {@code key}, expiring at {@code expireAtMillis} (epoch ms), never
   * ({@link #NO_EXPIRY}) or after the default time to live ({@link #DEFAULT_TTL}). An expiry
   * already in the past removes the key.
   *
   * @throws CacheFullException if the entry alone is larger than the cache's budget
   */
  void put(byte[] key, byte[] value, long expireAtMillis);

  /**
   * Stores the key and value packed in {@code packed} ({@link PackedKeyValue}) as {@link #put(byte[],
   * byte[], long)} does. The array becomes the cache's: a cache that keeps entries in this layout
   * stores it as it is, so a writer that fills it straight from its input copies the data once.
   * This default unpacks it into a key and a value.
   *
   * @throws IllegalArgumentException if {@code packed} does not start with a key length it holds
   * @throws CacheFullException if the entry alone is larger than the cache's budget
   */
  default void putPacked(byte[] packed, long expireAtMillis) {
    put(PackedKeyValue.key(packed), PackedKeyValue.value(packed), expireAtMillis);
  }

  /**
   * Stores the key and value packed in {@code packed[0, length)} ({@link PackedKeyValue}) as
   * {@link #putPacked(byte[], long)} does, but the array stays the caller's: a writer can fill
   * the same scratch array for every write. A cache that can overwrite the key's current value
   * in place (the same length, no expiry on either) copies the value into it and allocates
   * nothing; otherwise it stores a copy of the first {@code length} bytes. This default copies.
   *
   * @throws IllegalArgumentException if {@code packed} does not start with a key length that
   *     {@code length} holds
   * @throws CacheFullException if the entry alone is larger than the cache's budget
   */
  default void putPacked(byte[] packed, int length, long expireAtMillis) {
    putPacked(PackedKeyValue.copy(packed, length), expireAtMillis);
  }

  /** Removes {@code key}; returns whether a live value was removed. */
  boolean remove(byte[] key);

  /**
   * Atomically reads and changes one key: {@code mutator} sees the live entry (or its absence)
   * and may set a value, change the expiry or remove it, all applied at once when it returns.
   * It runs while the key is locked, so it must be quick and must not call this cache.
   */
  <R> R compute(byte[] key, EntryMutator<R> mutator);

  /**
   * Atomically reads and changes several keys, as {@link #compute} does one (MSETNX, RENAME):
   * no other write to any of them runs between the mutator's reads and the application of all
   * its changes, and either every change applies or, if one entry does not fit the budget, none.
   * Single-key reads do not wait for it, so a reader looking at two of the keys one after the
   * other may see one changed and the other not yet. The same rules as for compute apply to the
   * mutator.
   *
   * @throws CacheFullException if a value set is larger than the cache's budget; nothing changed
   */
  <R> R computeAll(List<byte[]> keys, MultiEntryMutator<R> mutator);

  /** Returns the key's expiry in epoch ms, {@link #NO_EXPIRY}, or {@link #ABSENT}. */
  long expireAt(byte[] key);

  /** Returns the number of entries, including expired ones not yet swept. */
  long size();

  /** Returns the accounted bytes of all entries: keys, values and per-entry overhead. */
  long weightedSize();

  /** Returns the number of entries with an expiry, as of the cache's last maintenance. */
  long expiringSize();

  /** Changes the memory budget, evicting at once if the cache is now over it. */
  void setMaxMemory(long bytes);

  /** Changes the eviction policy; resident entries are kept, in the new policy's order. */
  void setPolicy(EvictionPolicyKind policy);

  /** Removes every entry with the cause {@link RemovalCause#PURGED}. */
  void purge();

  /**
   * Visits keys in slot order, starting at {@code cursor} (0 to begin), visiting whole slots until
   * at least {@code count} keys have been seen; returns the cursor to continue from, 0 when done.
   * A key present for the whole scan is visited at least once, as in Redis {@code SCAN}.
   */
  long scan(long cursor, int count, Consumer<byte[]> keys);

  /** Returns the number of entries whose key maps to {@code slot}. */
  int countKeysInSlot(int slot);

  /** Visits the keys of one slot without scanning any other. */
  void forEachKeyInSlot(int slot, Consumer<byte[]> keys);

  /**
   * Visits the live entries of one slot in place while holding the slot's write lock, so no write
   * to the slot is half done; the visitor must be quick and must not call this cache.
   */
  void forEachEntryInSlot(int slot, EntryVisitor visitor);

  /** Removes the entries of one slot with cause {@link RemovalCause#PURGED}; returns how many. */
  int removeSlot(int slot);

  /** Returns a random live key, or null if the cache is empty. */
  byte[] randomKey();

  /** Returns a snapshot of the cache's counters. */
  CacheStats stats();

  /** Runs pending maintenance now: applies buffered reads and writes, sweeps expired entries. */
  void cleanUp();
}
