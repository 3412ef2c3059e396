package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheFullException;
import io.tiercel.core.Caches;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.KeySlot;
import io.tiercel.core.ManualClock;
import io.tiercel.core.RemovalCause;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BoundedCacheTest {
  private final ManualClock clock = new ManualClock();
  private final List<String> removals = new ArrayList<>();

  private Cache cache(EvictionPolicyKind policy, long maxMemory) {
    return cache(CacheConfig.builder().policy(policy).maxMemory(maxMemory).build());
  }

  private Cache cache(CacheConfig config) {
    return Caches.create(
        "test", config, clock, (k, v, cause) -> removals.add(s(k) + "=" + s(v) + ":" + cause));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheValueAndCountsAHit() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("v"));
    assertThat(s(c.get(b("k")))).isEqualTo("v");
    assertThat(c.get(b("missing"))).isNull();
    assertThat(c.stats().hits()).isEqualTo(1);
    assertThat(c.stats().misses()).isEqualTo(1);
    assertThat(c.size()).isEqualTo(1);
  }

  @Test
  void readPassesTheValueInPlaceWithItsExpiry() {
    Cache c = cache(CacheConfig.defaults());
    long at = clock.millis() + 5000;
    c.put(b("key"), b("value"), at);
    String seen = c.read(b("key"), (array, off, len, exp) -> new String(array, off, len) + "@" + exp);
    assertThat(seen).isEqualTo("value@" + at);
  }

  @Test
  void overwriteReplacesAndTellsTheListener() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("one"));
    c.put(b("k"), b("two"));
    assertThat(s(c.get(b("k")))).isEqualTo("two");
    assertThat(c.size()).isEqualTo(1);
    assertThat(removals).containsExactly("k=one:REPLACED");
  }

  @Test
  void removeReportsWhetherALiveValueWasThere() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("v"));
    assertThat(c.remove(b("k"))).isTrue();
    assertThat(c.remove(b("k"))).isFalse();
    assertThat(c.get(b("k"))).isNull();
    assertThat(removals).containsExactly("k=v:EXPLICIT");
    assertThat(c.size()).isZero();
  }

  @Test
  void binaryKeysAndEmptyValuesAreKeptExactly() {
    Cache c = cache(CacheConfig.defaults());
    byte[] key = {0, -1, 13, 10, 0};
    c.put(key, new byte[0]);
    assertThat(c.get(key)).isEmpty();
    assertThat(c.get(new byte[] {0, -1, 13, 10})).isNull();
    c.put(new byte[0], b("empty key"));
    assertThat(s(c.get(new byte[0]))).isEqualTo("empty key");
  }

  @Test
  void expiredValueIsNeverReturnedEvenBeforeTheSweep() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("v"), clock.millis() + 1000);
    clock.advance(Duration.ofMillis(999));
    assertThat(s(c.get(b("k")))).isEqualTo("v");
    clock.advance(Duration.ofMillis(1));
    assertThat(c.get(b("k"))).isNull();
    assertThat(c.containsKey(b("k"))).isFalse();
    assertThat(c.expireAt(b("k"))).isEqualTo(Cache.ABSENT);
    assertThat(c.stats().expirations()).isEqualTo(1);
    assertThat(removals).containsExactly("k=v:EXPIRED");
  }

  @Test
  void activeExpirySweepsUntouchedKeysWithoutReads() {
    Cache c = cache(CacheConfig.defaults());
    for (int i = 0; i < 1000; i++) {
      c.put(b("k" + i), b("v"), clock.millis() + 1000 + i * 60_000L);
    }
    c.put(b("forever"), b("v"));
    clock.advance(Duration.ofHours(10));
    c.cleanUp();
    // 1000 + i minutes: keys up to i = 599 are due after ten hours.
    assertThat(c.size()).isEqualTo(1 + 1000 - 600);
    assertThat(c.stats().expirations()).isEqualTo(600);
    clock.advance(Duration.ofDays(1));
    c.cleanUp();
    assertThat(c.size()).isEqualTo(1);
    assertThat(s(c.get(b("forever")))).isEqualTo("v");
  }

  @Test
  void expiryInThePastRemovesTheKey() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("v"));
    c.put(b("k"), b("w"), clock.millis() - 1);
    assertThat(c.get(b("k"))).isNull();
    assertThat(c.size()).isZero();
  }

  @Test
  void defaultTtlAppliesToWritesThatSetNone() {
    Cache c = cache(CacheConfig.builder().defaultTtl(Duration.ofSeconds(10)).build());
    c.put(b("k"), b("v"));
    assertThat(c.expireAt(b("k"))).isEqualTo(clock.millis() + 10_000);
    c.put(b("forever"), b("v"), Cache.NO_EXPIRY);
    assertThat(c.expireAt(b("forever"))).isEqualTo(Cache.NO_EXPIRY);
  }

  @Test
  void computeIncrementsAtomicallyAndKeepsTheExpiry() {
    Cache c = cache(CacheConfig.defaults());
    long at = clock.millis() + 60_000;
    c.put(b("n"), b("41"), at);
    long next = c.compute(b("n"), e -> {
      long v = Long.parseLong(s(e.value())) + 1;
      e.setValue(b(Long.toString(v)));
      return v;
    });
    assertThat(next).isEqualTo(42);
    assertThat(s(c.get(b("n")))).isEqualTo("42");
    assertThat(c.expireAt(b("n"))).isEqualTo(at);
  }

  @Test
  void computeChangesOnlyTheExpiryWithoutTellingTheListener() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("v"));
    c.compute(b("k"), e -> {
      e.setExpireAt(clock.millis() + 5000);
      return null;
    });
    assertThat(c.expireAt(b("k"))).isEqualTo(clock.millis() + 5000);
    c.compute(b("k"), e -> {
      e.setExpireAt(Cache.NO_EXPIRY);
      return null;
    });
    assertThat(c.expireAt(b("k"))).isEqualTo(Cache.NO_EXPIRY);
    assertThat(removals).isEmpty();
    assertThat(s(c.get(b("k")))).isEqualTo("v");
  }

  @Test
  void computeSeesAnExpiredKeyAsAbsent() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("old"), clock.millis() + 10);
    clock.advance(Duration.ofSeconds(1));
    boolean existed = c.compute(b("k"), e -> {
      boolean exists = e.exists();
      e.setValue(b("new"));
      return exists;
    });
    assertThat(existed).isFalse();
    assertThat(s(c.get(b("k")))).isEqualTo("new");
    assertThat(c.expireAt(b("k"))).isEqualTo(Cache.NO_EXPIRY);
    assertThat(removals).containsExactly("k=old:EXPIRED");
  }

  @Test
  void computeThatThrowsChangesNothing() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("v"));
    assertThatThrownBy(() -> c.compute(b("k"), e -> {
      e.setValue(b("changed"));
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(s(c.get(b("k")))).isEqualTo("v");
  }

  @Test
  void computeRemoveDeletesTheKey() {
    Cache c = cache(CacheConfig.defaults());
    c.put(b("k"), b("v"));
    byte[] old = c.compute(b("k"), e -> {
      byte[] v = e.value();
      e.remove();
      return v;
    });
    assertThat(s(old)).isEqualTo("v");
    assertThat(c.get(b("k"))).isNull();
    assertThat(removals).containsExactly("k=v:EXPLICIT");
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void writesNeverLeaveTheCacheOverItsBudget(EvictionPolicyKind policy) {
    long budget = 64 * 1024;
    Cache c = cache(policy, budget);
    for (int i = 0; i < 5000; i++) {
      c.put(b("key-" + i), new byte[100 + (i % 7) * 50]);
      assertThat(c.weightedSize()).isLessThanOrEqualTo(budget);
    }
    assertThat(c.stats().evictions()).isPositive();
    assertThat(c.size()).isEqualTo(c.stats().entries());
    long evicted = removals.stream().filter(r -> r.endsWith(":EVICTED")).count();
    assertThat(evicted).isEqualTo(c.stats().evictions());
    assertThat(c.size() + evicted).isEqualTo(5000);
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void hotKeySurvivesWhileColdKeysAreEvicted(EvictionPolicyKind policy) {
    Cache c = cache(policy, 32 * 1024);
    c.put(b("hot"), b("v"));
    for (int i = 0; i < 3000; i++) {
      assertThat(c.get(b("hot"))).as("after %d cold writes", i).isNotNull();
      c.put(b("cold-" + i), new byte[64]);
    }
  }

  @Test
  void entryLargerThanTheBudgetIsRefusedAndNothingChanges() {
    Cache c = cache(EvictionPolicyKind.LRU, 4096);
    c.put(b("small"), b("v"));
    assertThatThrownBy(() -> c.put(b("big"), new byte[8192]))
        .isInstanceOf(CacheFullException.class)
        .hasMessageStartingWith("OOM command not allowed when used memory > 'maxmemory'");
    assertThat(c.get(b("big"))).isNull();
    assertThat(s(c.get(b("small")))).isEqualTo("v");
  }

  @Test
  void loweringMaxMemoryEvictsAtOnce() {
    Cache c = cache(EvictionPolicyKind.LRU, 1 << 20);
    for (int i = 0; i < 1000; i++) {
      c.put(b("k" + i), new byte[100]);
    }
    assertThat(c.size()).isEqualTo(1000);
    c.setMaxMemory(16 * 1024);
    assertThat(c.weightedSize()).isLessThanOrEqualTo(16 * 1024);
    assertThat(c.size()).isLessThan(1000);
    assertThat(c.config().maxMemory()).isEqualTo(16 * 1024);
  }

  @Test
  void switchingPolicyKeepsResidentEntries() {
    Cache c = cache(EvictionPolicyKind.LRU, 1 << 20);
    for (int i = 0; i < 100; i++) {
      c.put(b("k" + i), b("v" + i));
    }
    c.setPolicy(EvictionPolicyKind.ARC);
    c.setPolicy(EvictionPolicyKind.TINYLFU);
    assertThat(c.config().policy()).isEqualTo(EvictionPolicyKind.TINYLFU);
    for (int i = 0; i < 100; i++) {
      assertThat(s(c.get(b("k" + i)))).isEqualTo("v" + i);
    }
    c.setMaxMemory(4096);
    assertThat(c.weightedSize()).isLessThanOrEqualTo(4096);
  }

  @Test
  void slotIndexListsAndRemovesOneSlotOnly() {
    Cache c = cache(CacheConfig.defaults());
    for (int i = 0; i < 50; i++) {
      c.put(b("{user1}:" + i), b("v"));
      c.put(b("{user2}:" + i), b("v"));
    }
    int slot1 = KeySlot.of(b("user1"));
    assertThat(c.countKeysInSlot(slot1)).isEqualTo(50);
    Set<String> keys = new HashSet<>();
    c.forEachKeyInSlot(slot1, k -> keys.add(s(k)));
    assertThat(keys).hasSize(50).allMatch(k -> k.startsWith("{user1}:"));
    assertThat(c.removeSlot(slot1)).isEqualTo(50);
    assertThat(c.countKeysInSlot(slot1)).isZero();
    assertThat(c.size()).isEqualTo(50);
    assertThat(c.get(b("{user2}:7"))).isNotNull();
    assertThat(removals).hasSize(50).allMatch(r -> r.endsWith(":PURGED"));
  }

  @Test
  void scanVisitsEveryKeyExactlyOnceWhenNothingChanges() {
    Cache c = cache(CacheConfig.defaults());
    for (int i = 0; i < 2000; i++) {
      c.put(b("key:" + i), b("v"));
    }
    List<String> seen = new ArrayList<>();
    long cursor = 0;
    int calls = 0;
    do {
      cursor = c.scan(cursor, 100, k -> seen.add(s(k)));
      calls++;
    } while (cursor != 0 && calls < 100_000);
    assertThat(seen).hasSize(2000).doesNotHaveDuplicates();
    assertThat(calls).isGreaterThan(1);
  }

  @Test
  void purgeRemovesEverythingWithCausePurged() {
    Cache c = cache(CacheConfig.defaults());
    for (int i = 0; i < 500; i++) {
      c.put(b("k" + i), b("v"));
    }
    c.purge();
    assertThat(c.size()).isZero();
    assertThat(c.weightedSize()).isZero();
    assertThat(c.randomKey()).isNull();
    assertThat(removals).hasSize(500).allMatch(r -> r.endsWith(":PURGED"));
  }

  @Test
  void randomKeyReturnsALiveKey() {
    Cache c = cache(CacheConfig.defaults());
    assertThat(c.randomKey()).isNull();
    c.put(b("a"), b("1"));
    c.put(b("b"), b("2"), clock.millis() + 10);
    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 20; i++) {
      assertThat(s(c.randomKey())).isEqualTo("a");
    }
  }

  @Test
  void failingListenerDoesNotBreakTheCache() {
    Cache c = Caches.create("t", CacheConfig.defaults(), clock, (k, v, cause) -> {
      throw new IllegalStateException("listener bug");
    });
    c.put(b("k"), b("1"));
    c.put(b("k"), b("2"));
    assertThat(c.remove(b("k"))).isTrue();
    assertThat(c.size()).isZero();
  }

  @Test
  void weightCountsKeyValueAndOverhead() {
    Cache c = cache(CacheConfig.defaults());
    c.put(new byte[10], new byte[100]);
    c.cleanUp();
    long weight = c.weightedSize();
    assertThat(weight).isEqualTo(EntrySizes.weight(110, false));
    assertThat(weight).isGreaterThan(110).isLessThan(110 + 80);
  }

  @Test
  void readsAreRecordedOnlyOnceTheCacheHasWeighedHalfItsBudget() {
    long weight = EntrySizes.weight(3 + 10, false);
    Cache c = cache(EvictionPolicyKind.LRU, 10 * weight);
    for (int i = 0; i < 4; i++) {
      c.put(b("k0" + i), new byte[10]);
    }
    c.cleanUp();
    c.get(b("k00")); // 4 of 10 entries: below half, so LRU does not hear of this read
    for (int i = 4; i < 10; i++) {
      c.put(b("k0" + i), new byte[10]);
    }
    c.put(b("k10"), new byte[10]);
    c.cleanUp();
    assertThat(c.containsKey(b("k00"))).as("the unrecorded read left k00 oldest").isFalse();

    c.get(b("k01")); // past half: recorded, so k01 is now the most recent
    c.cleanUp();
    c.put(b("k11"), new byte[10]);
    c.cleanUp();
    assertThat(c.containsKey(b("k01"))).isTrue();
    assertThat(c.containsKey(b("k02"))).isFalse();
    assertThat(c.stats().hits()).isEqualTo(2);
  }
}
