package io.tiercel.bench.sim;

/**
 * Bélády's optimal replacement: the upper bound of any demand cache's hit ratio on a trace.
 */
public final class OptimalPolicy implements SimPolicy {
  /*
   * On a miss the new key is admitted and then, if the cache is over its size, the resident key
   * whose next request lies farthest in the future is evicted -- possibly the new key itself, so
   * this is the optimum of a cache that may decline to admit (as TinyLFU does), the same
   * clairvoyant bound as Caffeine's simulator (opt.Clairvoyant) [1][2].
   *
   * The resident keys are ordered by a max-heap of "next use" stamps. A request at position p
   * pushes its key's next use: the position of the key's next request, or n + p when there is
   * none (unique, and beyond every real position). Stamps are never updated in place: when a key
   * is requested again at position q, its old stamp (which was q) simply goes stale. Every stale
   * stamp is at most the current position, while every resident key has one live stamp greater
   * than it, so whenever the cache is over its size the heap's maximum is live and its key is the
   * victim. Popping it is the only removal; stale stamps sink and are never looked at. The heap
   * holds at most one stamp a request (n ints), and each request costs O(log n).
   *
   * [1] L. A. Bélády. A study of replacement algorithms for a virtual-storage computer. IBM
   *     Systems Journal 5(2), 1966.
   * [2] ben-manes/caffeine, simulator/.../policy/opt/ClairvoyantPolicy.java
   */

  private final Clairvoyance future;
  private final long[] keys;
  private final int maximumSize;
  private final boolean[] resident;
  private int[] heap = new int[1024];
  private int heapSize;
  private int position;
  private int size;

  /** Creates the optimum for a cache of {@code maximumSize} entries replaying {@code keys}. */
  OptimalPolicy(long[] keys, Clairvoyance future, int maximumSize) {
    if (maximumSize <= 0) {
      throw new IllegalArgumentException("maximumSize: " + maximumSize + " (expected: > 0)");
    }
    this.keys = keys;
    this.future = future;
    this.maximumSize = maximumSize;
    this.resident = new boolean[future.distinct];
  }

  /** Creates the optimum for {@code keys}, precomputing their next uses. */
  public static OptimalPolicy of(long[] keys, int maximumSize) {
    return new OptimalPolicy(keys, Clairvoyance.of(keys), maximumSize);
  }

  @Override
  public String name() {
    return "opt";
  }

  @Override
  public boolean record(long key) {
    int p = position++;
    if (p >= keys.length || keys[p] != key) {
      throw new IllegalStateException(
          "request " + p + ": key " + key + " (expected: the trace's keys, in order)");
    }
    int id = future.ids[p];
    int next = future.nextUse[p];
    push(next == Clairvoyance.NEVER ? keys.length + p : next);
    if (resident[id]) {
      return true;
    }
    resident[id] = true;
    if (++size > maximumSize) {
      int stamp = popMax();
      int victim = future.ids[stamp >= keys.length ? stamp - keys.length : stamp];
      if (!resident[victim] || stamp <= p) {
        throw new IllegalStateException("stale victim " + stamp + " at request " + p);
      }
      resident[victim] = false;
      size--;
    }
    return false;
  }

  @Override
  public void finish() {
    if (size > maximumSize) {
      throw new IllegalStateException("size " + size + " > " + maximumSize);
    }
  }

  private void push(int stamp) {
    if (heapSize == heap.length) {
      heap = java.util.Arrays.copyOf(heap, heapSize * 2);
    }
    int i = heapSize++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] >= stamp) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = stamp;
  }

  private int popMax() {
    int max = heap[0];
    int last = heap[--heapSize];
    int i = 0;
    int half = heapSize >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      if (child + 1 < heapSize && heap[child + 1] > heap[child]) {
        child++;
      }
      if (last >= heap[child]) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return max;
  }
}
