package io.tiercel.core.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Striped, lossy ring buffers that record read hits for the eviction policy without a lock.
 *
 * <p>The policy's queues can only be changed under one lock, but taking it on every read would
 * serialize all readers. Following BP-Wrapper (Ding et al., ICDE 2009) and Caffeine's
 * BoundedBuffer, a read appends the entry to a small ring picked by the reading thread; the
 * policy replays the rings in batches under the lock. A full ring drops the record and asks for
 * a drain: reads are hints, and losing a few costs a little hit ratio, never correctness. One
 * read in seventeen is dropped by a lone reader exactly as in Caffeine, whose hit ratio on the
 * traces depends on it. Each
 * ring has a CAS-advanced tail (spaced a cache line apart to avoid false sharing) and a head
 * owned by the single drainer.
 */
final class ReadBuffer {
  /** Entries per ring; a full ring asks the caller to drain. */
  static final int RING_SIZE = 16;
  private static final int STRIPES =
      Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) << 1;
  /** Longs between two counters: 128 bytes, two cache lines. */
  private static final int SPACING = 16;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);

  private final Entry[] slots = new Entry[STRIPES * RING_SIZE];
  private final AtomicLongArray tails = new AtomicLongArray(STRIPES * SPACING);
  private final AtomicLongArray heads = new AtomicLongArray(STRIPES * SPACING);

  /** {@link #offer} recorded the read. */
  static final int RECORDED = 0;
  /** {@link #offer} lost a race for the ring's tail and dropped the read. */
  static final int FAILED = 1;
  /**
   * {@link #offer} found the ring full and dropped the read: the caller should drain (as
   * Caffeine's BoundedBuffer reports FULL).
   */
  static final int FULL = 2;

  /** Records a read of {@code entry}; returns {@link #RECORDED}, {@link #FAILED} or {@link #FULL}. */
  int offer(Entry entry) {
    int stripe = stripe();
    int at = stripe * SPACING;
    long head = heads.getAcquire(at);
    long tail = tails.getAcquire(at);
    if (tail - head >= RING_SIZE) {
      return FULL;
    }
    if (tails.compareAndSet(at, tail, tail + 1)) {
      SLOTS.setRelease(slots, stripe * RING_SIZE + (int) (tail & (RING_SIZE - 1)), entry);
      return RECORDED;
    }
    return FAILED;
  }

  /**
   * Returns how many reads were ever recorded: the sum of the rings' tails, which only grow. The
   * store counts hits with it, so a hit costs no counter of its own.
   */
  long recorded() {
    long sum = 0;
    for (int stripe = 0; stripe < STRIPES; stripe++) {
      sum += tails.getAcquire(stripe * SPACING);
    }
    return sum;
  }

  /** Passes every recorded read to {@code consumer}; only one thread may drain at a time. */
  void drainTo(Consumer<Entry> consumer) {
    for (int stripe = 0; stripe < STRIPES; stripe++) {
      int at = stripe * SPACING;
      long head = heads.getPlain(at);
      long tail = tails.getAcquire(at);
      for (; head < tail; head++) {
        int index = stripe * RING_SIZE + (int) (head & (RING_SIZE - 1));
        Entry e = (Entry) SLOTS.getAcquire(slots, index);
        if (e == null) {
          break; // the writer won the CAS but has not stored yet; take it next time
        }
        SLOTS.setRelease(slots, index, null);
        consumer.accept(e);
      }
      heads.setRelease(at, head);
    }
  }

  private static int stripe() {
    long id = Thread.currentThread().threadId();
    return (int) ((id * 0x9E3779B97F4A7C15L) >>> 40) & (STRIPES - 1);
  }
}
