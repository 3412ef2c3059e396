package io.tiercel.bench.sim;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Replays a trace through real Caffeine, bounded to {@code maximumSize} entries, as Caffeine's own
 * simulator does ({@code product.Caffeine}): maintenance runs on the calling thread, so the replay
 * is deterministic and every request is seen by the policy before the next one.
 */
public final class CaffeinePolicy implements SimPolicy {
  private final Cache<Long, Boolean> cache;
  private final int maximumSize;

  /** Creates a cache that holds at most {@code maximumSize} entries. */
  public CaffeinePolicy(int maximumSize) {
    this.maximumSize = maximumSize;
    this.cache = Caffeine.newBuilder()
        .initialCapacity(maximumSize)
        .maximumSize(maximumSize)
        .executor(Runnable::run)
        .build();
  }

  @Override
  public String name() {
    return "caffeine";
  }

  @Override
  public boolean record(long key) {
    Long boxed = key;
    if (cache.getIfPresent(boxed) != null) {
      return true;
    }
    cache.put(boxed, Boolean.TRUE);
    return false;
  }

  @Override
  public void finish() {
    cache.cleanUp();
    long size = cache.estimatedSize();
    if (size > maximumSize) {
      throw new IllegalStateException("caffeine: " + size + " entries > " + maximumSize);
    }
  }
}
