package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.ManualClock;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Cache#putPacked} is {@link Cache#put(byte[], byte[], long)} with the entry's array handed
 * over: two caches fed the same random operations, one through each, must agree after every step
 * on every value, expiry, count, weight and removal the listener hears of.
 */
class BoundedCachePutPackedTest {
  private static final int STEPS = 40_000;

  /** The same operations on two caches, one writing with put and one with putPacked. */
  private static final class Twins {
    final ManualClock clock = new ManualClock();
    final List<String> plainEvents = new ArrayList<>();
    final List<String> packedEvents = new ArrayList<>();
    final Cache plain;
    final Cache packed;

    Twins(EvictionPolicyKind policy, long budget, Duration defaultTtl) {
      CacheConfig config = CacheConfig.builder().policy(policy).maxMemory(budget)
          .defaultTtl(defaultTtl).build();
      plain = Caches.create("plain", config, clock, recorder(plainEvents));
      packed = Caches.create("packed", config, clock, recorder(packedEvents));
    }

    private static RemovalListener recorder(List<String> events) {
      return (key, value, cause) -> events.add(
          new String(key, StandardCharsets.ISO_8859_1) + "=" + Arrays.toString(value) + " "
              + cause);
    }
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void packedPutsAgreeWithPutsWhenNothingIsEvicted(EvictionPolicyKind policy) {
    run(new Twins(policy, 256L << 20, Duration.ZERO), 3);
  }

  @ParameterizedTest
  @EnumSource(value = EvictionPolicyKind.class, names = {"LRU", "ARC"})
  void packedPutsEvictAsPutsDo(EvictionPolicyKind policy) {
    // LRU and ARC choose victims deterministically; W-TinyLFU's admission has a random jitter.
    run(new Twins(policy, 64 * 1024, Duration.ZERO), 5);
  }

  @Test
  void packedPutsTakeTheDefaultTimeToLive() {
    run(new Twins(EvictionPolicyKind.LRU, 256L << 20, Duration.ofSeconds(5)), 9);
  }

  private static void run(Twins t, long seed) {
    Random random = new Random(seed);
    for (int step = 0; step < STEPS; step++) {
      byte[] key = randomKey(random);
      long now = t.clock.millis();
      switch (random.nextInt(12)) {
        case 0, 1, 2 -> {
          byte[] value = randomValue(random);
          long expireAt = switch (random.nextInt(5)) {
            case 0 -> Cache.NO_EXPIRY;
            case 1 -> now + 1 + random.nextInt(20_000);
            case 2 -> now - random.nextInt(2);
            default -> Cache.DEFAULT_TTL;
          };
          t.plain.put(key, value, expireAt);
          t.packed.putPacked(PackedKeyValue.pack(key, value), expireAt);
        }
        case 3 -> assertThat(t.packed.remove(key)).isEqualTo(t.plain.remove(key));
        case 4 -> {
          long at = now + 1 + random.nextInt(20_000);
          for (Cache c : List.of(t.plain, t.packed)) {
            c.compute(key, e -> {
              if (e.exists()) {
                e.setExpireAt(at);
              }
              return null;
            });
          }
        }
        case 5 -> t.clock.advance(Duration.ofMillis(random.nextInt(2_000)));
        default -> {
          assertThat(t.packed.get(key)).as("get at step %d", step).isEqualTo(t.plain.get(key));
          assertThat(t.packed.expireAt(key)).isEqualTo(t.plain.expireAt(key));
        }
      }
      if (step % 500 == 0) {
        t.plain.cleanUp();
        t.packed.cleanUp();
        assertThat(t.packed.size()).as("size at step %d", step).isEqualTo(t.plain.size());
        assertThat(t.packed.weightedSize()).isEqualTo(t.plain.weightedSize());
        assertThat(t.packed.stats()).isEqualTo(t.plain.stats());
        assertThat(t.packedEvents).isEqualTo(t.plainEvents);
      }
    }
    assertThat(t.packedEvents).isNotEmpty();
    BoundedCache store = (BoundedCache) t.packed;
    assertThat(store.policyWeightForTesting()).isEqualTo(store.tableWeightForTesting());
  }

  /** Short keys, keys of 128 bytes and more (the long layout), and keys with a hash tag. */
  private static byte[] randomKey(Random random) {
    int n = random.nextInt(400);
    String key = switch (n % 4) {
      case 0 -> "{user" + (n % 7) + "}:" + n;
      case 1 -> "x".repeat(120 + n % 20) + n;
      default -> "key-" + n;
    };
    return key.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] randomValue(Random random) {
    byte[] value = new byte[random.nextInt(200)];
    random.nextBytes(value);
    return value;
  }

  @Test
  void thePackedArrayIsTheEntrysStorage() {
    Cache cache = Caches.create("c", CacheConfig.defaults(), new ManualClock(),
        RemovalListener.none());
    byte[] packed = PackedKeyValue.pack("k".getBytes(), "value".getBytes());
    cache.putPacked(packed, Cache.NO_EXPIRY);
    byte[] seen = cache.read("k".getBytes(), (array, offset, length, expireAt) -> array);
    assertThat(seen).isSameAs(packed);
    assertThat(cache.get("k".getBytes())).isEqualTo("value".getBytes());
  }

  @Test
  void aValueThatContinuesTheKeyDoesNotMakeItAnotherKey() {
    Cache cache = Caches.create("c", CacheConfig.defaults(), new ManualClock(),
        RemovalListener.none());
    cache.putPacked(PackedKeyValue.pack("user:42".getBytes(), "9:x".getBytes()), -1);
    cache.putPacked(PackedKeyValue.pack("user:429".getBytes(), ":x".getBytes()), -1);
    cache.putPacked(PackedKeyValue.pack("user:4".getBytes(), "29:x".getBytes()), -1);
    assertThat(cache.size()).isEqualTo(3);
    cache.putPacked(PackedKeyValue.pack("user:42".getBytes(), "new".getBytes()), -1);
    assertThat(cache.size()).isEqualTo(3);
    assertThat(cache.get("user:42".getBytes())).isEqualTo("new".getBytes());
    assertThat(cache.get("user:429".getBytes())).isEqualTo(":x".getBytes());
    assertThat(cache.get("user:4".getBytes())).isEqualTo("29:x".getBytes());
  }

  @Test
  void aMalformedArrayIsRefusedAndChangesNothing() {
    Cache cache = Caches.create("c", CacheConfig.defaults(), new ManualClock(),
        RemovalListener.none());
    assertThatThrownBy(() -> cache.putPacked(new byte[] {'k', 'v', 9}, Cache.NO_EXPIRY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(cache.size()).isZero();
  }

  @Test
  void concurrentPackedAndPlainPutsKeepTheBooks() throws Exception {
    long budget = 128 * 1024;
    Cache cache = Caches.create("churn",
        CacheConfig.builder().maxMemory(budget).build(), Clock.system(), RemovalListener.none());
    ConcurrentSteps.run(4, 50_000, random -> {
      byte[] key = ("k" + random.nextInt(2000)).getBytes();
      byte[] value = new byte[random.nextInt(300)];
      switch (random.nextInt(4)) {
        case 0 -> cache.put(key, value, Cache.NO_EXPIRY);
        case 1 -> cache.putPacked(PackedKeyValue.pack(key, value), Cache.NO_EXPIRY);
        case 2 -> cache.remove(key);
        default -> {
          byte[] v = cache.get(key);
          assertThat(v == null || v.length < 300).isTrue();
        }
      }
    });
    StoreBooks.assertBalanced(cache, budget);
  }
}
