package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.RemovalListener;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several threads hammer a small cache with mixed operations; afterwards the store's own books must
 * balance: entries counted equal entries reachable, the policy holds exactly the table's weight,
 * the budget holds, and every removal was reported once.
 */
class BoundedCacheConcurrencyTest {
  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 150_000;

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void booksBalanceAfterConcurrentChurn(EvictionPolicyKind policy) throws Exception {
    long budget = 256 * 1024;
    AtomicLong removals = new AtomicLong();
    Cache cache =
        Caches.create(
            "churn",
            CacheConfig.builder().policy(policy).maxMemory(budget).build(),
            Clock.system(),
            (k, v, cause) -> removals.incrementAndGet());
    AtomicLong inserts = new AtomicLong();
    ConcurrentSteps.run(THREADS, OPS_PER_THREAD, random -> {
      byte[] key = ("k" + random.nextInt(4000)).getBytes();
      switch (random.nextInt(8)) {
        case 0, 1 -> {
          byte[] value = new byte[random.nextInt(300)];
          boolean added = cache.compute(key, e -> {
            boolean absent = !e.exists();
            e.setValue(value);
            return absent;
          });
          if (added) {
            inserts.incrementAndGet();
          }
        }
        case 2 -> cache.remove(key);
        default -> {
          byte[] v = cache.get(key);
          assertThat(v == null || v.length < 300).isTrue();
        }
      }
    });

    Set<String> reachable = StoreBooks.assertBalanced(cache, budget);
    // Every inserted entry is either still there or was reported removed exactly once
    // (replacements are reported too, so count them apart).
    assertThat(inserts.get()).isLessThanOrEqualTo(reachable.size() + removals.get());
  }

  /**
   * Hits are counted three ways (recorded reads, unrecorded hits below half the budget, reads the
   * buffer dropped); under concurrent readers on a pool-draining cache the three must still add
   * up to exactly the hits the readers saw, whether the cache is full or a sixth full.
   */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void hitsAndMissesCountEveryConcurrentReadExactly(boolean full) throws Exception {
    int keys = 600;
    long weight = EntrySizes.weight(4 + 20, false);
    long budget = full ? keys * weight : 6 * keys * weight;
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Cache cache = Caches.create("hits", CacheConfig.builder().maxMemory(budget).build(),
          Clock.system(), RemovalListener.none(), pool);
      // A tenth of the names are never written, so reads miss too.
      byte[][] names = new byte[keys + keys / 10][];
      for (int k = 0; k < names.length; k++) {
        names[k] = String.format("k%03d", k).getBytes();
      }
      for (int k = 0; k < keys; k++) {
        cache.put(names[k], new byte[20]);
      }
      cache.cleanUp();
      long present = cache.size();
      AtomicLong hits = new AtomicLong();
      ConcurrentSteps.run(THREADS, OPS_PER_THREAD, random -> {
        if (cache.get(names[random.nextInt(names.length)]) != null) {
          hits.incrementAndGet();
        }
      });
      assertThat(cache.size()).as("nothing was evicted").isEqualTo(present);
      assertThat(cache.stats().hits()).isEqualTo(hits.get());
      assertThat(cache.stats().hits() + cache.stats().misses())
          .isEqualTo((long) THREADS * OPS_PER_THREAD);
    } finally {
      pool.shutdownNow();
    }
  }
}
