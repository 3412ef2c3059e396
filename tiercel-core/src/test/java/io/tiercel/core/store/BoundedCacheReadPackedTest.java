package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheStats;
import io.tiercel.core.Caches;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.ManualClock;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.ValueReader;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Cache#readPacked} is {@link Cache#read} with the key looked up where it lies in a packed
 * scratch array: two caches given the same writes and clock, one read each way, must return the
 * same values and count the same hits, misses and expirations.
 */
class BoundedCacheReadPackedTest {
  private static final ValueReader<byte[]> COPY =
      (array, offset, length, expireAt) -> Arrays.copyOfRange(array, offset, offset + length);

  @Test
  void packedReadsAgreeWithReadsOnHitsMissesAndExpiries() {
    ManualClock clock = new ManualClock();
    CacheConfig config = CacheConfig.builder().policy(EvictionPolicyKind.TINYLFU)
        .maxMemory(64L << 20).build();
    Cache plain = Caches.create("plain", config, clock, RemovalListener.none());
    Cache packed = Caches.create("packed", config, clock, RemovalListener.none());
    Random random = new Random(19);
    // The scratch array is reused for every read and holds leftovers of longer keys after the
    // current one, as a server's does.
    byte[] scratch = new byte[4096];
    random.nextBytes(scratch);
    int hits = 0;
    for (int step = 0; step < 30_000; step++) {
      byte[] key = key(random);
      switch (random.nextInt(6)) {
        case 0, 1 -> {
          byte[] value = new byte[random.nextInt(40)];
          random.nextBytes(value);
          long expireAt = random.nextBoolean() ? Cache.NO_EXPIRY
              : clock.millis() + 1 + random.nextInt(50);
          plain.put(key, value, expireAt);
          packed.put(key, value, expireAt);
        }
        case 2 -> clock.advance(Duration.ofMillis(random.nextInt(10)));
        default -> {
          int length = PackedKeyValue.keyOffset(key.length) + key.length;
          PackedKeyValue.writeHeader(scratch, key.length);
          System.arraycopy(key, 0, scratch, PackedKeyValue.keyOffset(key.length), key.length);
          byte[] expected = plain.read(key, COPY);
          assertThat(packed.readPacked(scratch, length, COPY)).isEqualTo(expected);
          hits += expected == null ? 0 : 1;
        }
      }
    }
    CacheStats a = plain.stats();
    CacheStats b = packed.stats();
    assertThat(hits).as("reads that hit").isGreaterThan(1_000);
    assertThat(b.hits()).isEqualTo(a.hits()).isEqualTo(hits);
    assertThat(b.misses()).isEqualTo(a.misses()).isGreaterThan(1_000);
    assertThat(b.expirations()).isEqualTo(a.expirations());
    assertThat(packed.size()).isEqualTo(plain.size());
  }

  @Test
  void aLengthThatDoesNotHoldTheKeyIsRefusedAndCountsNothing() {
    Cache cache = Caches.create("c", CacheConfig.defaults());
    cache.put(new byte[] {'k'}, new byte[] {'v'});
    byte[] packed = {1, 'k'};
    assertThatThrownBy(() -> cache.readPacked(packed, 1, COPY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.readPacked(packed, 3, COPY))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(cache.stats().hits() + cache.stats().misses()).isZero();
    assertThat(cache.readPacked(packed, 2, COPY)).containsExactly('v');
  }

  @Test
  void theDefaultReadsACopyOfThePackedKey() throws Exception {
    List<byte[]> asked = new ArrayList<>();
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      if (method.getName().equals("read")) {
        asked.add((byte[]) args[0]);
        return "found";
      }
      throw new UnsupportedOperationException(method.getName());
    };
    Cache cache = (Cache) Proxy.newProxyInstance(
        Cache.class.getClassLoader(), new Class<?>[] {Cache.class}, handler);
    byte[] longKey = new byte[300];
    Arrays.fill(longKey, (byte) 'x');
    byte[] packed = new byte[400];
    PackedKeyValue.writeHeader(packed, longKey.length);
    System.arraycopy(longKey, 0, packed, 4, longKey.length);

    ValueReader<Object> any = (array, offset, length, expireAt) -> array;
    assertThat(cache.readPacked(packed, 304, any)).isEqualTo("found");
    assertThat(cache.readPacked(new byte[] {2, 'a', 'b', 'c'}, 3, any)).isEqualTo("found");
    assertThat(asked).hasSize(2);
    assertThat(asked.get(0)).isEqualTo(longKey);
    assertThat(asked.get(1)).containsExactly('a', 'b');
  }

  /** Returns one of a few hundred keys, a few of them long (a four-byte header). */
  private static byte[] key(Random random) {
    int id = random.nextInt(400);
    byte[] key = new byte[id % 50 == 0 ? 130 + id % 7 : 1 + id % 12];
    Arrays.fill(key, (byte) id);
    key[0] = (byte) (id >> 8);
    return key;
  }
}
