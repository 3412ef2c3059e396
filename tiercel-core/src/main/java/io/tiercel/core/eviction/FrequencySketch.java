package io.tiercel.core.eviction;

/**
 * Estimates how often each key hash was seen recently, up to 15, with periodic halving.
 *
 * <p>Not thread-safe: owned by one policy, used under the eviction lock.
 */
final class FrequencySketch {

  /*
   * The popularity history behind TinyLFU admission [2]: a 4-bit count-min sketch [1] with
   * periodic aging. This is a port of the algorithm of Caffeine's FrequencySketch (Ben Manes,
   * Apache License 2.0), written for int key hashes instead of objects.
   *
   * Layout. The counters live in one long[] whose length is the number of resident entries the
   * sketch was last sized for, rounded up to a power of two (at least 8). A long holds sixteen
   * 4-bit counters. The depth is four, so the width is four counters per slot of the table. To
   * keep an item's four counters in one 64-byte L1 cache line, the table is cut into blocks of
   * eight longs; an item's hash picks a block, and each of its four counters is picked from one
   * of four 16-byte pairs of longs within that block. One memory load per lookup instead of four,
   * at the price of a few more collisions than uniformly spread counters.
   *
   * Estimate. The minimum of the four counters: collisions only ever inflate a counter, so the
   * minimum is the tightest over-estimate. Counters saturate at 15, which is plenty to compare a
   * candidate with a victim: the admission question is "which is more popular", not "by how much".
   *
   * Aging. After sampleSize = 10 x (entries the sketch was sized for) successful increments, every
   * counter is halved (a shift and a mask per long) and the sample count is reduced to reflect
   * the halving, so the sketch forgets history at a rate proportional to the cache size: an entry
   * that stops being used fades from 15 to 0 in four periods. The O(n) pass is amortized over
   * the n x 10 increments that trigger it.
   *
   * Sizing. Caffeine sizes the sketch for the maximum number of entries; a cache weighted in
   * bytes has no such number, and allocating for every entry that might fit would make an empty
   * cache pay for millions. The owning policy therefore passes two numbers: the entries to size
   * the table for (those resident, rounded up to a power of two) and the entries expected when
   * full, which set the aging period. The table grows by doubling without forgetting: an item's
   * block is its hash masked by the number of blocks, so after a doubling its block is the old
   * one or the old one plus the old block count, and copying the old table into both halves
   * leaves every estimate exactly as it was (a few extra collisions remain from the smaller
   * table until aging fades them).
   *
   * Memory: one long per table slot, and the table is between n and 2n slots for n entries, so 8
   * to 16 bytes per entry of a full cache (8 at a power of two, 12 on average).
   *
   * [1] Cormode and Muthukrishnan, An Improved Data Stream Summary: The Count-Min Sketch and its
   *     Applications. http://dimacs.rutgers.edu/~graham/pubs/papers/cm-full.pdf
   * [2] Einziger, Friedman and Manes, TinyLFU: A Highly Efficient Cache Admission Policy.
   *     https://dl.acm.org/citation.cfm?id=3149371
   * [3] Caffeine's FrequencySketch.java, https://github.com/ben-manes/caffeine
   */

  /** Clears the low bit of every counter after a shift, halving all sixteen at once. */
  static final long RESET_MASK = 0x7777777777777777L;
  /** Selects the low bit of every counter, to count the odd ones lost by halving. */
  static final long ONE_MASK = 0x1111111111111111L;
  /** The most a counter can hold. */
  static final int MAX_FREQUENCY = 15;
  /** The most slots a table gets (1 GiB); ten times that still fits the int sample count. */
  private static final int MAX_TABLE = 1 << 27;

  private long[] table;
  private int blockMask;
  private int sampleSize;
  private int size;
  private boolean aged;

  /** Sizes the sketch for {@code entries} entries, as {@link #ensureCapacity(long, long)}. */
  void ensureCapacity(long entries) {
    ensureCapacity(entries, entries);
  }

  /**
   * Grows the table to hold {@code tableEntries} entries, keeping every estimate, and ages the
   * counters every 10 x {@code expectedEntries} increments.
   */
  void ensureCapacity(long tableEntries, long expectedEntries) {
    if (tableEntries < 0 || expectedEntries < 0) {
      throw new IllegalArgumentException("entries: " + tableEntries + ", " + expectedEntries
          + " (expected: >= 0)");
    }
    int length = Math.max(ceilingPowerOfTwo((int) Math.min(tableEntries, MAX_TABLE)), 8);
    if (table == null) {
      table = new long[length];
      blockMask = (length >>> 3) - 1;
    } else if (table.length < length) {
      grow(length);
    }
    int expected = (int) Math.min(expectedEntries, MAX_TABLE);
    sampleSize = (expected == 0) ? 10 : 10 * expected;
  }

  /**
   * Doubles the table until it has {@code length} slots. Each copy of the old table lands where
   * the wider block mask sends the hashes of the old block, so every estimate is unchanged.
   */
  private void grow(int length) {
    long[] old = table;
    long[] grown = new long[length];
    for (int at = 0; at < length; at += old.length) {
      System.arraycopy(old, 0, grown, at, old.length);
    }
    table = grown;
    blockMask = (length >>> 3) - 1;
  }

  /** Returns whether the sketch was never sized, so it counts nothing yet. */
  boolean isNotInitialized() {
    return table == null;
  }

  /** Returns whether the counters were halved at least once. */
  boolean hasAged() {
    return aged;
  }

  /** Returns the increments after which all counters are halved (also the climber's sample). */
  int sampleSize() {
    return sampleSize;
  }

  /** Returns the increments counted towards the next halving. */
  int size() {
    return size;
  }

  /** Returns the bytes held by the counter table. */
  long bytes() {
    return table == null ? 0 : 8L * table.length;
  }

  /** Returns the estimated number of occurrences of {@code keyHash}, from 0 to 15. */
  int frequency(int keyHash) {
    if (table == null) {
      return 0;
    }
    int blockHash = spread(keyHash);
    int counterHash = rehash(blockHash);
    int block = (blockHash & blockMask) << 3;
    int frequency = MAX_FREQUENCY;
    for (int i = 0; i < 4; i++) {
      int h = counterHash >>> (i << 3);
      int index = (h >>> 1) & 15;
      int offset = h & 1;
      int count = (int) ((table[block + offset + (i << 1)] >>> (index << 2)) & 0xfL);
      frequency = Math.min(frequency, count);
    }
    return frequency;
  }

  /** Counts one occurrence of {@code keyHash}; halves every counter once the sample is full. */
  void increment(int keyHash) {
    if (table == null) {
      return;
    }
    int blockHash = spread(keyHash);
    int counterHash = rehash(blockHash);
    int block = (blockHash & blockMask) << 3;
    boolean added = false;
    for (int i = 0; i < 4; i++) {
      int h = counterHash >>> (i << 3);
      int index = (h >>> 1) & 15;
      int offset = h & 1;
      // Not short-circuited: all four counters move, even when one is saturated
      added |= incrementAt(block + offset + (i << 1), index);
    }
    if (added && ++size >= sampleSize) {
      reset();
    }
  }

  /** Increments counter {@code j} of slot {@code i} unless it is saturated; returns if it did. */
  private boolean incrementAt(int i, int j) {
    int shift = j << 2;
    long mask = 0xfL << shift;
    if ((table[i] & mask) != mask) {
      table[i] += 1L << shift;
      return true;
    }
    return false;
  }

  /** Halves every counter and the sample count (less the odd counts lost by rounding down). */
  void reset() {
    aged = true;
    int odd = 0;
    for (int i = 0; i < table.length; i++) {
      odd += Long.bitCount(table[i] & ONE_MASK);
      table[i] = (table[i] >>> 1) & RESET_MASK;
    }
    // Never below zero, also when called before a full sample (tests age the sketch by hand)
    size = Math.max(0, size - (odd >>> 2)) >>> 1;
  }

  /** Mixes a hash so that nearby hashes land in unrelated blocks (a murmur-style finalizer). */
  private static int spread(int x) {
    x ^= x >>> 17;
    x *= 0xed5ad4bb;
    x ^= x >>> 11;
    x *= 0xac4c1b51;
    x ^= x >>> 15;
    return x;
  }

  /** Derives the counter selectors from the block hash with one more mixing round. */
  private static int rehash(int x) {
    x *= 0x31848bab;
    x ^= x >>> 14;
    return x;
  }

  /** Returns the least power of two at or above {@code x} (1 for {@code x <= 1}). */
  static int ceilingPowerOfTwo(int x) {
    return (x <= 1) ? 1 : 1 << -Integer.numberOfLeadingZeros(x - 1);
  }
}
