package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.ManualClock;
import io.tiercel.core.RemovalListener;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random operations on the store checked step by step against a plain map with expiry times: the
 * reference model. With a budget too large to evict, the two must agree exactly; with a small
 * budget the store may only ever lack keys (evicted), never hold a wrong or expired value.
 */
class BoundedCacheModelTest {
  private static final int STEPS = 60_000;

  record Value(byte[] bytes, long expireAt) {}

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void agreesWithAMapWhenNothingIsEvicted(EvictionPolicyKind policy) {
    run(policy, 256L << 20, 7, true);
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void onlyEvictsNeverCorruptsUnderASmallBudget(EvictionPolicyKind policy) {
    run(policy, 48 * 1024, 11, false);
  }

  private void run(EvictionPolicyKind policy, long budget, long seed, boolean exact) {
    ManualClock clock = new ManualClock();
    Cache cache =
        Caches.create(
            "model",
            CacheConfig.builder().policy(policy).maxMemory(budget).build(),
            clock,
            RemovalListener.none());
    Map<String, Value> model = new HashMap<>();
    Random random = new Random(seed);
    for (int step = 0; step < STEPS; step++) {
      String k = "key-" + random.nextInt(600);
      byte[] key = k.getBytes();
      long now = clock.millis();
      Value expected = model.get(k);
      if (expected != null && expected.expireAt != Cache.NO_EXPIRY && expected.expireAt <= now) {
        model.remove(k);
        expected = null;
      }
      switch (random.nextInt(10)) {
        case 0, 1 -> {
          byte[] value = randomValue(random);
          cache.put(key, value);
          model.put(k, new Value(value, Cache.NO_EXPIRY));
        }
        case 2 -> {
          byte[] value = randomValue(random);
          long at = now + 1 + random.nextInt(20_000);
          cache.put(key, value, at);
          model.put(k, new Value(value, at));
        }
        case 3 -> {
          boolean removed = cache.remove(key);
          if (exact) {
            assertThat(removed).as("remove %s at step %d", k, step).isEqualTo(expected != null);
          }
          model.remove(k);
        }
        case 4 -> {
          byte[] value = randomValue(random);
          boolean set = cache.compute(key, e -> {
            if (e.exists()) {
              return false;
            }
            e.setValue(value);
            return true;
          });
          if (exact) {
            assertThat(set).isEqualTo(expected == null);
          }
          if (set) {
            model.put(k, new Value(value, Cache.NO_EXPIRY));
          }
        }
        case 5 -> {
          long at = now + 1 + random.nextInt(20_000);
          boolean changed = cache.compute(key, e -> {
            if (!e.exists()) {
              return false;
            }
            e.setExpireAt(at);
            return true;
          });
          if (changed) {
            assertThat(expected).isNotNull();
            model.put(k, new Value(model.get(k).bytes, at));
          } else if (exact) {
            assertThat(expected).isNull();
          } else if (expected != null) {
            model.remove(k); // evicted
          }
        }
        case 6 -> clock.advance(Duration.ofMillis(random.nextInt(3_000)));
        default -> {
          byte[] actual = cache.get(key);
          if (actual == null) {
            if (exact) {
              assertThat(expected).as("get %s at step %d", k, step).isNull();
            }
            model.remove(k);
          } else {
            assertThat(expected).as("get %s at step %d returned a value", k, step).isNotNull();
            assertThat(Arrays.equals(actual, expected.bytes)).as("value of %s", k).isTrue();
            assertThat(cache.expireAt(key)).isEqualTo(expected.expireAt);
          }
        }
      }
      if (step % 1000 == 0) {
        cache.cleanUp();
        assertThat(cache.weightedSize()).isLessThanOrEqualTo(budget);
      }
    }
    if (exact) {
      long now = clock.millis();
      long live = model.values().stream()
          .filter(v -> v.expireAt == Cache.NO_EXPIRY || v.expireAt > now).count();
      clock.advance(Duration.ofSeconds(2));
      cache.cleanUp();
      long stillLive = model.values().stream()
          .filter(v -> v.expireAt == Cache.NO_EXPIRY || v.expireAt > now + 2000).count();
      assertThat(cache.size()).isBetween(stillLive, live);
    }
  }

  private static byte[] randomValue(Random random) {
    byte[] value = new byte[random.nextInt(200)];
    random.nextBytes(value);
    return value;
  }
}
