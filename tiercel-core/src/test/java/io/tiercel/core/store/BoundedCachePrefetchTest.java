package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.ManualClock;
import io.tiercel.core.RemovalListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** {@link Cache#prefetch}: a hint that loads memory and changes nothing a client can observe. */
class BoundedCachePrefetchTest {
  private final ManualClock clock = new ManualClock();

  private Cache cache(EvictionPolicyKind policy) {
    return Caches.create("test",
        CacheConfig.builder().policy(policy).maxMemory(1 << 20).build(), clock,
        RemovalListener.none());
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static KeyBatch batchOf(List<String> keys) {
    KeyBatch batch = new KeyBatch();
    for (String key : keys) {
      batch.add(b(key));
    }
    return batch;
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void prefetchChangesNoEntryAndCountsNoHitMissOrAccess(EvictionPolicyKind policy) {
    Cache c = cache(policy);
    // Past half the budget, so reads would be recorded if a prefetch counted as one.
    int n = 0;
    while (c.weightedSize() <= c.config().maxMemory() / 2 + 200) {
      c.put(b("k" + n), b("v" + n));
      n++;
    }
    c.remove(b("k1"));
    c.cleanUp();
    var statsBefore = c.stats();
    long frequencyBefore = c.frequency(b("k0"));
    List<String> keys = List.of("k0", "k1", "k2", "absent", "", "k" + (n - 1), "k0", "x".repeat(300));

    for (int i = 0; i < 100; i++) {
      c.prefetch(batchOf(keys));
    }
    c.cleanUp();

    assertThat(c.stats()).isEqualTo(statsBefore);
    assertThat(c.frequency(b("k0"))).isEqualTo(frequencyBefore);
    assertThat(c.get(b("k0"))).isEqualTo(b("v0"));
    assertThat(c.get(b("k1"))).isNull();
    assertThat(c.get(b("k" + (n - 1)))).isEqualTo(b("v" + (n - 1)));
  }

  @Test
  void aBatchKeepsNoReferenceToTheValuesItLoaded() {
    Cache c = cache(EvictionPolicyKind.LRU);
    c.put(b("big"), new byte[100_000]);
    c.put(b("small"), b("v"));
    KeyBatch batch = batchOf(List.of("big", "small"));
    c.prefetch(batch);
    c.remove(b("big"));
    // Nothing of the store stays reachable from the batch, so the removed value can be collected.
    assertThat(batch.found()).containsOnlyNulls();
  }

  @Test
  void prefetchOfAnEmptyBatchOrAnEmptyCacheIsHarmless() {
    Cache c = cache(EvictionPolicyKind.LRU);
    c.prefetch(new KeyBatch());
    c.prefetch(batchOf(List.of("a", "b")));
    assertThat(c.size()).isZero();
    assertThat(c.stats().misses()).isZero();
  }

  @Test
  void prefetchRacingWritesRemovalsAndTableRebuildsNeverFails() throws Exception {
    Cache c = cache(EvictionPolicyKind.TINYLFU);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < KeyBatch.CAPACITY; i++) {
      keys.add("{tag}" + i);  // one slot: its table grows, shrinks and is dropped under the race
    }
    KeyBatch batch = batchOf(keys);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        for (int round = 0; round < 20_000; round++) {
          for (String key : keys) {
            if (round % 2 == 0) {
              c.put(b(key), b(key + round));
            } else {
              c.remove(b(key));
            }
          }
        }
        for (String key : keys) {
          c.put(b(key), b("last"));
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    writer.start();
    while (writer.isAlive()) {
      c.prefetch(batch);
    }
    writer.join();

    assertThat(failure.get()).isNull();
    for (String key : keys) {
      assertThat(c.get(b(key))).isEqualTo(b("last"));
    }
  }
}
