package io.tiercel.bench.load;

/**
 * The requests of one connection that were sent and not yet answered, oldest first: both
 * protocols answer in order, so the next reply belongs to the head. A ring with one producer (the
 * sending thread) and one consumer (the receiving thread); {@code head} and {@code tail} are
 * volatile so the two may be different threads, as in the open loop.
 */
final class InFlight {
  private final long[] startNanos;
  private final int[] keys;
  private final byte[] kinds;
  private final int mask;
  private volatile long head;
  private volatile long tail;

  /** Creates a ring for at least {@code capacity} requests. */
  InFlight(int capacity) {
    int size = Integer.highestOneBit(Math.max(1, capacity - 1)) << 1;
    startNanos = new long[size];
    keys = new int[size];
    kinds = new byte[size];
    mask = size - 1;
  }

  /** Returns the number of requests in flight. */
  int size() {
    return (int) (tail - head);
  }

  /** Adds a request sent (or due) at {@code startNanos}; the caller keeps size below capacity. */
  void push(long startNanos, int key, OpKind kind) {
    long t = tail;
    int i = (int) (t & mask);
    this.startNanos[i] = startNanos;
    keys[i] = key;
    kinds[i] = (byte) kind.ordinal();
    tail = t + 1;
  }

  /** The start time of the oldest request. */
  long headStart() {
    return startNanos[(int) (head & mask)];
  }

  /** The key of the oldest request. */
  int headKey() {
    return keys[(int) (head & mask)];
  }

  /** The kind of the oldest request. */
  OpKind headKind() {
    return OpKind.values()[kinds[(int) (head & mask)]];
  }

  /** Removes the oldest request. */
  void pop() {
    head = head + 1;
  }
}
