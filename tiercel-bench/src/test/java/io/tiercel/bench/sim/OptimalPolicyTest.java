package io.tiercel.bench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OptimalPolicyTest {

  private static boolean[] outcomes(long[] keys, int size) {
    OptimalPolicy opt = OptimalPolicy.of(keys, size);
    boolean[] hits = new boolean[keys.length];
    for (int i = 0; i < keys.length; i++) {
      hits[i] = opt.record(keys[i]);
    }
    opt.finish();
    return hits;
  }

  @Test
  void declinesTheNewKeyWhenItIsNeededLast() {
    // Size 2, 1 2 3 1 2 3: at the miss on 3 the next uses are 1->3, 2->4, 3->5, so 3 itself is
    // not kept and 1 and 2 hit. (Always admitting would evict 2 and hit only 1.)
    assertThat(outcomes(new long[] {1, 2, 3, 1, 2, 3}, 2))
        .containsExactly(false, false, false, true, true, false);
  }

  @Test
  void textbookReferenceString() {
    // The classic 20-request string with 3 frames (Silberschatz et al.). Checked by hand:
    // misses at 7 0 1 | 2 (evicts 7) | 3 (evicts 1) | 4 (declined: never used again) |
    // 1 (evicts 3) | 7 (declined), so 8 misses and 12 hits. Textbook OPT, which must admit every
    // page, has 9 misses: it takes 4 in and faults on 0 later.
    long[] keys = {7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2, 1, 2, 0, 1, 7, 0, 1};
    boolean[] hits = outcomes(keys, 3);
    int hitCount = 0;
    StringBuilder misses = new StringBuilder();
    for (int i = 0; i < hits.length; i++) {
      if (hits[i]) {
        hitCount++;
      } else {
        misses.append(i).append(' ');
      }
    }
    assertThat(hitCount).isEqualTo(12);
    assertThat(misses.toString().trim()).isEqualTo("0 1 2 3 5 7 13 17");
  }

  @Test
  void everythingFits_onlyColdMisses() {
    long[] keys = {5, -5, 5, 9, -5, 9, 5};
    boolean[] hits = outcomes(keys, 3);
    assertThat(hits).containsExactly(false, false, true, false, true, true, true);
  }

  @Test
  void matchesABruteForceOptimum() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 50; round++) {
      int n = 200 + random.nextInt(300);
      int universe = 2 + random.nextInt(40);
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        keys[i] = random.nextInt(universe) - universe / 2;
      }
      int size = 1 + random.nextInt(universe);
      assertThat(hits(outcomes(keys, size))).as("round %d", round)
          .isEqualTo(bruteForceHits(keys, size));
    }
  }

  @Test
  void rejectsKeysOutOfOrder() {
    OptimalPolicy opt = OptimalPolicy.of(new long[] {1, 2}, 1);
    assertThatThrownBy(() -> opt.record(2)).isInstanceOf(IllegalStateException.class);
  }

  private static int hits(boolean[] outcomes) {
    int hits = 0;
    for (boolean hit : outcomes) {
      hits += hit ? 1 : 0;
    }
    return hits;
  }

  /** Bélády with bypass by linear scans: evict the candidate (new key included) used last. */
  private static int bruteForceHits(long[] keys, int size) {
    Set<Long> resident = new HashSet<>();
    int hits = 0;
    for (int p = 0; p < keys.length; p++) {
      if (resident.contains(keys[p])) {
        hits++;
        continue;
      }
      resident.add(keys[p]);
      if (resident.size() > size) {
        long victim = 0;
        int farthest = -1;
        for (long candidate : resident) {
          int next = keys.length + 1; // never again
          for (int q = p + 1; q < keys.length; q++) {
            if (keys[q] == candidate) {
              next = q;
              break;
            }
          }
          // Ties (several never used again) cannot change the hit count.
          if (next > farthest) {
            farthest = next;
            victim = candidate;
          }
        }
        resident.remove(victim);
      }
    }
    return hits;
  }
}
