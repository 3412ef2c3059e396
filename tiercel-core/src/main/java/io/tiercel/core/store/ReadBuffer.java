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
 *
 * <p><b>Ring length.</b> Caffeine's rings hold 16 reads. That suits a drain on the reading thread
 * ({@link #INLINE_RING_SIZE}), and the hit-ratio simulator, which drains inline, keeps Caffeine's
 * drop pattern with it. A drain handed to another thread costs that thread's wake-up: a futex
 * call and an interprocessor interrupt, microseconds on a virtual machine. Paid every 17 reads it
 * more than doubled the cost of a read in the JMH benchmark, so a cache that drains on an
 * executor uses rings of {@link #ASYNC_RING_SIZE}: a wake-up per 128 reads, and fewer reads
 * dropped while the drainer runs. The policy still sees every read it is given, in order.
 */
final class ReadBuffer {
  /** Entries per ring when the reading thread drains; a full ring asks the caller to drain. */
  static final int INLINE_RING_SIZE = 16;
  /** Entries per ring when another thread drains. */
  static final int ASYNC_RING_SIZE = 128;
  private static final int STRIPES =
      Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 4 - 1)) << 1;
  /** Longs between two counters: 128 bytes, two cache lines. */
  private static final int SPACING = 16;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);

  private final int ringSize;
  private final Entry[] slots;
  private final AtomicLongArray tails = new AtomicLongArray(STRIPES * SPACING);
  private final AtomicLongArray heads = new AtomicLongArray(STRIPES * SPACING);

  /** Creates empty rings of {@code ringSize} entries each, a power of two. */
  ReadBuffer(int ringSize) {
    if (Integer.bitCount(ringSize) != 1) {
      throw new IllegalArgumentException("ringSize: " + ringSize + " (expected: a power of two)");
    }
    this.ringSize = ringSize;
    this.slots = new Entry[STRIPES * ringSize];
  }

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
    int size = ringSize;
    if (tail - head >= size) {
      return FULL;
    }
    if (tails.compareAndSet(at, tail, tail + 1)) {
      SLOTS.setRelease(slots, stripe * size + (int) (tail & (size - 1)), entry);
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
        int index = stripe * ringSize + (int) (head & (ringSize - 1));
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
