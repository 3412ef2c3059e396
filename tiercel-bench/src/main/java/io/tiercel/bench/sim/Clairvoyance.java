package io.tiercel.bench.sim;

/**
 * What Bélády's optimum needs to know of a trace in advance: each request's key as a dense id and
 * the position of the same key's next request. Computed once per trace and shared, read-only, by
 * the {@link OptimalPolicy} of every size.
 */
final class Clairvoyance {
  /** {@link #nextUse} of a request whose key is never requested again. */
  static final int NEVER = Integer.MAX_VALUE;

  /** The key of request i, renumbered 0..distinct-1 in first-seen order. */
  final int[] ids;
  /** The position of the next request for the key of request i, or {@link #NEVER}. */
  final int[] nextUse;
  /** The number of distinct keys. */
  final int distinct;

  private Clairvoyance(int[] ids, int[] nextUse, int distinct) {
    this.ids = ids;
    this.nextUse = nextUse;
    this.distinct = distinct;
  }

  /** Precomputes ids and next uses for {@code keys} in two passes. */
  static Clairvoyance of(long[] keys) {
    int n = keys.length;
    LongIntMap map = new LongIntMap(Math.min(n, 1 << 20));
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = map.idOf(keys[i]);
    }
    int distinct = map.size();
    int[] nextSeen = new int[distinct];
    java.util.Arrays.fill(nextSeen, NEVER);
    int[] nextUse = new int[n];
    for (int i = n - 1; i >= 0; i--) {
      nextUse[i] = nextSeen[ids[i]];
      nextSeen[ids[i]] = i;
    }
    return new Clairvoyance(ids, nextUse, distinct);
  }
}
