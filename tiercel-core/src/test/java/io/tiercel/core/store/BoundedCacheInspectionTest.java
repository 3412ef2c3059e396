package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheStats;
import io.tiercel.core.Caches;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.ManualClock;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The inspection calls behind MEMORY USAGE and OBJECT: per-key weight, frequency and peek. */
class BoundedCacheInspectionTest {
  private static final int FILLER_VALUE = 100;
  private final ManualClock clock = new ManualClock();

  private Cache cache(EvictionPolicyKind policy, long maxMemory) {
    return Caches.create("test",
        CacheConfig.builder().policy(policy).maxMemory(maxMemory).build(), clock,
        RemovalListener.none());
  }

  /** Returns the live value's length as {@link Cache#peek} sees it, or null. */
  private static Integer peekLength(Cache c, String key) {
    return c.peek(b(key), (array, offset, length, expireAt) -> length);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Writes filler keys until the cache weighs more than half its budget, so reads are recorded. */
  private static int fillPastHalf(Cache c) {
    int n = 0;
    while (c.weightedSize() <= c.config().maxMemory() / 2 + FILLER_VALUE) {
      c.put(b("filler:" + n++), new byte[FILLER_VALUE]);
      assertThat(n).as("fillers").isLessThan(100_000);
    }
    return n;
  }

  @Test
  void entryWeightIsWhatTheEntryAddsToTheWeightedSize() {
    Cache c = cache(EvictionPolicyKind.TINYLFU, 1 << 20);
    c.put(b("small"), b("v"));
    c.cleanUp();
    long before = c.weightedSize();

    c.put(b("large"), new byte[10_000]);
    c.cleanUp();

    assertThat(c.entryWeight(b("large"))).isEqualTo(c.weightedSize() - before);
    assertThat(c.entryWeight(b("small")) + c.entryWeight(b("large")))
        .isEqualTo(c.weightedSize());
  }

  @Test
  void entryWeightIsTheRealFootprintOfKeyValueAndEntryWithOrWithoutExpiry() {
    Cache c = cache(EvictionPolicyKind.TINYLFU, 1 << 20);
    byte[] value = new byte[300];
    c.put(b("plain"), value, Cache.NO_EXPIRY);
    c.put(b("timed"), value, clock.millis() + 60_000);

    int packed = PackedKeyValue.pack(b("plain"), value).length;
    assertThat(c.entryWeight(b("plain"))).isEqualTo(EntrySizes.weight(packed, false))
        .isGreaterThan(300 + "plain".length());
    // The expiry and the timer-wheel links make a timed entry heavier.
    assertThat(c.entryWeight(b("timed"))).isEqualTo(EntrySizes.weight(packed, true))
        .isGreaterThan(c.entryWeight(b("plain")));
  }

  @Test
  void missingAndExpiredKeysAreAbsentToEveryInspection() {
    Cache c = cache(EvictionPolicyKind.TINYLFU, 1 << 20);
    c.put(b("soon"), b("v"), clock.millis() + 1_000);
    assertThat(c.entryWeight(b("soon"))).isPositive();

    clock.advance(Duration.ofSeconds(1));

    for (String key : new String[] {"soon", "never"}) {
      assertThat(c.entryWeight(b(key))).isEqualTo(Cache.ABSENT);
      assertThat(c.frequency(b(key))).isEqualTo(Cache.ABSENT);
      assertThat(peekLength(c, key)).isNull();
    }
  }

  @Test
  void inspectionsCountNoHitOrMissAndAreNoAccess() {
    Cache c = cache(EvictionPolicyKind.TINYLFU, 64 << 10);
    fillPastHalf(c);
    c.put(b("k"), b("12345"));
    long frequency = c.frequency(b("k"));
    CacheStats before = c.stats();

    for (int i = 0; i < 20; i++) {
      assertThat(peekLength(c, "k")).isEqualTo(5);
      assertThat(c.entryWeight(b("k"))).isPositive();
      assertThat(c.frequency(b("k"))).isEqualTo(frequency);
      assertThat(c.entryWeight(b("missing"))).isEqualTo(Cache.ABSENT);
    }

    CacheStats after = c.stats();
    assertThat(after.hits()).isEqualTo(before.hits());
    assertThat(after.misses()).isEqualTo(before.misses());
  }

  @Test
  void frequencyOfAKeyReadOftenExceedsThatOfEveryKeyNeverRead() {
    Cache c = cache(EvictionPolicyKind.TINYLFU, 64 << 10);
    int fillers = fillPastHalf(c);
    c.put(b("hot"), b("v"));

    for (int i = 0; i < 40; i++) {
      assertThat(c.get(b("hot"))).isNotNull();
    }

    long hot = c.frequency(b("hot"));
    assertThat(hot).isBetween(10L, 15L);
    for (int i = 0; i < fillers; i++) {
      assertThat(c.frequency(b("filler:" + i))).as("filler " + i).isBetween(0L, hot - 1);
    }
  }

  @Test
  void readsOfACacheBelowHalfItsBudgetDoNotRaiseTheFrequency() {
    Cache c = cache(EvictionPolicyKind.TINYLFU, 1 << 20);
    c.put(b("k"), b("v"));
    long afterWrite = c.frequency(b("k"));

    for (int i = 0; i < 40; i++) {
      c.get(b("k"));
    }

    // The store records no reads until the cache first weighs half its budget (see BoundedCache).
    assertThat(c.frequency(b("k"))).isEqualTo(afterWrite).isBetween(0L, 2L);
  }

  @ParameterizedTest
  @EnumSource(value = EvictionPolicyKind.class, names = {"LRU", "ARC"})
  void frequencyIsNotTrackedByPoliciesWithoutASketch(EvictionPolicyKind policy) {
    Cache c = cache(policy, 1 << 20);
    c.put(b("k"), b("v"));

    assertThat(c.frequency(b("k"))).isEqualTo(Cache.FREQUENCY_NOT_TRACKED);
    assertThat(c.frequency(b("missing"))).isEqualTo(Cache.ABSENT);
    c.setPolicy(EvictionPolicyKind.TINYLFU);
    assertThat(c.frequency(b("k"))).isBetween(0L, 15L);
  }
}
