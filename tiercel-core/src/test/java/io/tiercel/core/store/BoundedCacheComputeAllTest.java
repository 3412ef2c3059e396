package io.tiercel.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheFullException;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.ManualClock;
import io.tiercel.core.MutableEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Cache#computeAll}: several keys changed as one, all or nothing, without deadlock. */
class BoundedCacheComputeAllTest {
  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 20_000;

  private final ManualClock clock = new ManualClock();
  private final List<String> removals = Collections.synchronizedList(new ArrayList<>());

  private Cache cache(long maxMemory) {
    return Caches.create("multi", CacheConfig.builder().maxMemory(maxMemory).build(), clock,
        (k, v, cause) -> removals.add(s(k) + ":" + cause));
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void movesAValueAndItsExpiryFromOneKeyToAnother() {
    Cache c = cache(1 << 20);
    long at = clock.millis() + 5_000;
    c.put(b("from"), b("v"), at);
    c.put(b("to"), b("old"));
    boolean moved = c.computeAll(List.of(b("from"), b("to")), e -> {
      e.get(1).setValue(e.get(0).value(), e.get(0).expireAt());
      e.get(0).remove();
      return true;
    });
    assertThat(moved).isTrue();
    assertThat(c.get(b("from"))).isNull();
    assertThat(s(c.get(b("to")))).isEqualTo("v");
    assertThat(c.expireAt(b("to"))).isEqualTo(at);
    assertThat(removals).containsExactlyInAnyOrder("to:REPLACED", "from:EXPLICIT");
  }

  @Test
  void aKeyGivenTwiceSharesOneViewAndItsLastValueWins() {
    Cache c = cache(1 << 20);
    int views = c.computeAll(List.of(b("k"), b("x"), b("k")), e -> {
      assertThat(e.get(0)).isSameAs(e.get(2));
      e.get(0).setValue(b("first"));
      e.get(2).setValue(b("last"));
      return e.size();
    });
    assertThat(views).isEqualTo(3);
    assertThat(s(c.get(b("k")))).isEqualTo("last");
    assertThat(c.size()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} keys")
  @ValueSource(ints = {2, 10, 32, 33, 100})
  void repeatedKeysShareOneViewInSmallAndLargeKeySets(int count) {
    Cache c = cache(1 << 20);
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add(b("key" + (i * 7 % Math.max(1, count / 3))));  // every key repeats
    }
    c.computeAll(keys, e -> {
      for (int i = 0; i < count; i++) {
        for (int j = 0; j < count; j++) {
          assertThat(e.get(i) == e.get(j))
              .as("views %d and %d", i, j)
              .isEqualTo(Arrays.equals(keys.get(i), keys.get(j)));
        }
        e.get(i).setValue(b("v" + i));
      }
      return null;
    });
    for (int i = 0; i < count; i++) {
      int last = i;
      for (int j = 0; j < count; j++) {
        if (Arrays.equals(keys.get(i), keys.get(j))) {
          last = j;
        }
      }
      assertThat(s(c.get(keys.get(i)))).isEqualTo("v" + last);
    }
  }

  @Test
  void anExpiredKeyIsAbsentToTheMutatorAndRemoved() {
    Cache c = cache(1 << 20);
    c.put(b("gone"), b("v"), clock.millis() + 10);
    clock.advance(java.time.Duration.ofMillis(10));
    boolean exists = c.computeAll(List.of(b("gone"), b("other")), e -> e.get(0).exists());
    assertThat(exists).isFalse();
    assertThat(c.size()).isZero();
    assertThat(removals).containsExactly("gone:EXPIRED");
  }

  @Test
  void aValueTooLargeForTheBudgetChangesNoKey() {
    Cache c = cache(4096);
    c.put(b("a"), b("1"));
    assertThatThrownBy(() -> c.computeAll(List.of(b("a"), b("b")), e -> {
      e.get(0).remove();
      e.get(1).setValue(new byte[8192]);
      return null;
    })).isInstanceOf(CacheFullException.class);
    assertThat(s(c.get(b("a")))).isEqualTo("1");
    assertThat(c.get(b("b"))).isNull();
  }

  /**
   * One token moves among 3 keys by many threads at once, each move a computeAll of a random
   * pair; a move that is not atomic would lose the token (both read it, one removes the other's
   * copy) or duplicate it; with so few keys such a race happens within milliseconds (a get-put-remove
   * move fails this test at once). Pairs in both orders exercise the lock ordering.
   */
  @Test
  void concurrentMovesNeverLoseOrDuplicateTheToken() throws Exception {
    Cache c = Caches.create("ring", CacheConfig.builder().maxMemory(1 << 20).build(),
        Clock.system(), (k, v, cause) -> { });
    int keys = 3;
    c.put(b("key0"), b("token"));
    ConcurrentSteps.run(THREADS, OPS_PER_THREAD, random -> {
      byte[] from = b("key" + random.nextInt(keys));
      byte[] to = b("key" + random.nextInt(keys));
      c.computeAll(List.of(from, to), e -> {
        MutableEntry src = e.get(0);
        if (src.exists() && src != e.get(1)) {
          e.get(1).setValue(src.value());
          src.remove();
        }
        return null;
      });
    });
    int tokens = 0;
    for (int i = 0; i < keys; i++) {
      if (c.containsKey(b("key" + i))) {
        tokens++;
      }
    }
    assertThat(tokens).isEqualTo(1);
    assertThat(c.size()).isEqualTo(1);
  }

  /**
   * Threads claim random groups of three keys with an all-or-nothing computeAll while others
   * claim single keys with compute; every claim writes its own id. Afterwards each key's owner
   * must hold every key of its claim: an interleaved single-key claim would split a group.
   */
  @Test
  void aGroupClaimIsAllOrNothingAgainstSingleKeyClaims() throws Exception {
    Cache c = Caches.create("claims", CacheConfig.builder().maxMemory(64 << 20).build(),
        Clock.system(), (k, v, cause) -> { });
    int keys = 200;
    List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
    List<String> singles = Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();
    ConcurrentSteps.run(THREADS, OPS_PER_THREAD, random -> {
      String id = Long.toString(ids.incrementAndGet());
      if (random.nextBoolean()) {
        String key = "k" + random.nextInt(keys);
        boolean won = c.compute(b(key), e -> {
          if (e.exists()) {
            return false;
          }
          e.setValue(b(id));
          return true;
        });
        if (won) {
          singles.add(key + "=" + id);
        }
      } else {
        List<String> group = List.of("k" + random.nextInt(keys), "k" + random.nextInt(keys),
            "k" + random.nextInt(keys));
        boolean won = c.computeAll(group.stream().map(BoundedCacheComputeAllTest::b).toList(),
            e -> {
              for (MutableEntry entry : e) {
                if (entry.exists()) {
                  return false;
                }
              }
              e.forEach(entry -> entry.setValue(b(id)));
              return true;
            });
        if (won) {
          List<String> claim = new ArrayList<>(group);
          claim.add(id);
          groups.add(claim);
        }
      }
    });
    for (String single : singles) {
      String[] kv = single.split("=");
      assertThat(s(c.get(b(kv[0])))).as(single).isEqualTo(kv[1]);
    }
    for (List<String> claim : groups) {
      String id = claim.get(3);
      for (String key : claim.subList(0, 3)) {
        assertThat(s(c.get(b(key)))).as("group %s", claim).isEqualTo(id);
      }
    }
    assertThat(singles.size() + groups.size()).isPositive();
  }
}
