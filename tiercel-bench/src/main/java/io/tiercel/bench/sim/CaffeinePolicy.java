package io.tiercel.bench.sim;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tiercel.core.store.KeyHash;

/**
 * Replays a trace through real Caffeine, bounded to {@code maximumSize} entries, as Caffeine's own
 * simulator does ({@code product.Caffeine}): maintenance runs on the calling thread, so the replay
 * is deterministic and every request is seen by the policy before the next one.
 *
 * <p>Two keyings. {@code caffeine} uses the trace's {@code Long} keys, so Caffeine's frequency
 * sketch hashes {@code Long.hashCode}, as in Caffeine's simulator. {@code caffeine-kh} wraps each
 * key in an object whose hash code is the hash Tiercel's store computes for the same key bytes,
 * so both sketches see the same collisions. On short traces with small caches the hit ratio of
 * W-TinyLFU moves by several points with the hash function alone (which keys share sketch
 * counters); the second row separates that luck from differences in the policy and the store.
 */
public final class CaffeinePolicy implements SimPolicy {
  private final Cache<Object, Boolean> cache;
  private final int maximumSize;
  private final boolean storeHash;

  /** Creates a cache of {@code maximumSize} entries keyed by {@code Long}. */
  public CaffeinePolicy(int maximumSize) {
    this(maximumSize, false);
  }

  /** Creates a cache of {@code maximumSize} entries; {@code storeHash} keys it by store hashes. */
  public CaffeinePolicy(int maximumSize, boolean storeHash) {
    this.maximumSize = maximumSize;
    this.storeHash = storeHash;
    this.cache = Caffeine.newBuilder()
        .initialCapacity(maximumSize)
        .maximumSize(maximumSize)
        .executor(Runnable::run)
        .build();
  }

  @Override
  public String name() {
    return storeHash ? "caffeine-kh" : "caffeine";
  }

  @Override
  public boolean record(long key) {
    Object k = storeHash ? new HashedKey(key, KeyHash.hash(TiercelPolicy.key(key))) : key;
    if (cache.getIfPresent(k) != null) {
      return true;
    }
    cache.put(k, Boolean.TRUE);
    return false;
  }

  @Override
  public void finish() {
    cache.cleanUp();
    long size = cache.estimatedSize();
    if (size > maximumSize) {
      throw new IllegalStateException(name() + ": " + size + " entries > " + maximumSize);
    }
  }

  /** A trace key whose hash code is the store's hash of its bytes. */
  private record HashedKey(long key, int hash) {
    @Override
    public boolean equals(Object o) {
      return o instanceof HashedKey other && key == other.key;
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
