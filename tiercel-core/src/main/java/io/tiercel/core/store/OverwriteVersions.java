package io.tiercel.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Striped sequence counters that let lock-free readers notice a value overwritten in place.
 *
 * <p><b>Why.</b> A write that gives a key a value of the same length as the one it holds (the
 * same key, so the same array length) can copy the new bytes over the old ones instead of
 * allocating a new array and entry: a cache that is mostly overwritten then allocates nothing
 * on its write path, and its collector has nothing to do (docs/benchmarks.md, session 18: the
 * SET runs that a collection cycle overlapped were the ones whose p99 exceeded Redis's). But
 * readers take no lock, so one could copy half the old value and half the new one.
 *
 * <p><b>How.</b> A sequence lock, as in the Linux kernel's {@code seqlock_t} and
 * {@link java.util.concurrent.locks.StampedLock}'s optimistic reads. The writer already holds the
 * key's stripe lock, so writers of one counter never race: it makes the counter odd, copies, and
 * makes it even again. A reader notes the counter before it reads the value and checks it after;
 * if it was odd or has moved, the reader reads again. The ordering: the odd store is ordered
 * before the copy by a store-store fence and the copy before the even store by a release store;
 * the reader's first load is an acquire and a load-load fence orders its reads of the value
 * before its second load of the counter.
 *
 * <p><b>Striped, not per entry.</b> One counter per stripe lock (64), each on its own cache line,
 * costs no byte per entry; a reader retries only when an in-place write to some key of its
 * stripe overlapped its read, which is rare and cheap (the read is a copy of one value).
 */
final class OverwriteVersions {
  private static final VarHandle COUNTERS = MethodHandles.arrayElementVarHandle(int[].class);
  /** Ints per counter: one 64-byte cache line each, so writers of two stripes share no line. */
  private static final int STRIDE = 16;

  /** Stripes, as the store's stripe locks: a slot's counter is {@code slot & (STRIPES - 1)}. */
  static final int STRIPES = 64;

  // One spare line in front, so the first counter shares no line with the array header.
  private final int[] counters = new int[(STRIPES + 1) * STRIDE];

  private static int index(int slot) {
    return ((slot & (STRIPES - 1)) + 1) * STRIDE;
  }

  /** Returns the counter of {@code slot}'s stripe before a read; odd while a write is copying. */
  int beforeRead(int slot) {
    return (int) COUNTERS.getAcquire(counters, index(slot));
  }

  /** Returns whether no in-place write to {@code slot}'s stripe overlapped a read begun at it. */
  boolean unchangedSince(int slot, int version) {
    VarHandle.loadLoadFence();
    return (version & 1) == 0 && (int) COUNTERS.getOpaque(counters, index(slot)) == version;
  }

  /** Marks a copy into an array of {@code slot}'s stripe as begun; the stripe lock is held. */
  void beginWrite(int slot) {
    int i = index(slot);
    COUNTERS.setOpaque(counters, i, counters[i] + 1);
    VarHandle.storeStoreFence();
  }

  /** Marks the copy begun by {@link #beginWrite} as done; the stripe lock is still held. */
  void endWrite(int slot) {
    int i = index(slot);
    COUNTERS.setRelease(counters, i, counters[i] + 1);
  }
}
