package io.tiercel.core.eviction;

import static io.tiercel.core.eviction.ArcPolicy.B1;
import static io.tiercel.core.eviction.ArcPolicy.B2;
import static io.tiercel.core.eviction.ArcPolicy.T1;
import static io.tiercel.core.eviction.ArcPolicy.T2;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ArcPolicyTest {

  private static byte ghostListOf(ArcPolicy policy, long key) {
    int slot = policy.ghosts().find(TestNode.hashOf(key));
    return slot == GhostLists.NIL ? GhostLists.EMPTY : policy.ghosts().listAt(slot);
  }

  @Test
  void newKeysEnterT1AndASecondAccessMovesThemToT2() {
    ArcPolicy policy = new ArcPolicy(10);
    PolicySimulator sim = new PolicySimulator(policy);
    sim.get(1);
    sim.get(2);
    assertThat(sim.resident.get(1L).queue()).isEqualTo(T1);

    sim.get(1);
    assertThat(sim.resident.get(1L).queue()).isEqualTo(T2);
    assertThat(policy.recentWeight()).isEqualTo(1);
    assertThat(policy.frequentWeight()).isEqualTo(1);
  }

  @Test
  void ghostHitInB1GrowsTheTarget() {
    ArcPolicy policy = new ArcPolicy(10);
    PolicySimulator sim = new PolicySimulator(policy);
    for (int pass = 0; pass < 2; pass++) {
      for (long key = 0; key < 5; key++) {
        sim.get(key);
      }
    }
    // T2 = 0..4 leaves T1 room for 5, so newcomers 10..14 are pushed out of T1 into B1
    for (long key = 10; key < 20; key++) {
      sim.get(key);
    }
    assertThat(ghostListOf(policy, 10)).isEqualTo(B1);
    assertThat(policy.target()).isZero();

    sim.get(10);

    assertThat(policy.target()).isEqualTo(1);
    assertThat(sim.resident.get(10L).queue()).isEqualTo(T2);
    assertThat(ghostListOf(policy, 10)).isEqualTo(GhostLists.EMPTY);
  }

  @Test
  void keysEvictedWhileT1FillsTheCacheLeaveNoGhost() {
    ArcPolicy policy = new ArcPolicy(10);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 15; key++) {
      sim.get(key);
    }

    // Case IV.A of the paper: |T1| = c, so T1's LRU page is dropped outright
    assertThat(policy.ghosts().size()).isZero();
  }

  @Test
  void ghostHitInB2ShrinksTheTarget() {
    ArcPolicy policy = new ArcPolicy(10);
    PolicySimulator sim = new PolicySimulator(policy);
    for (int pass = 0; pass < 2; pass++) {
      for (long key = 0; key < 10; key++) {
        sim.get(key);
      }
    }
    // T2 = 0..9; each newcomer pushes out T2's LRU (T1 is within p) or T1's (T1 is above p)
    for (long key = 10; key < 16; key++) {
      sim.get(key);
    }
    assertThat(ghostListOf(policy, 0)).isEqualTo(B2);
    assertThat(ghostListOf(policy, 10)).isEqualTo(B1);
    sim.get(10);
    sim.get(11);
    assertThat(policy.target()).isEqualTo(2);
    assertThat(ghostListOf(policy, 0)).isEqualTo(B2);

    sim.get(0);

    assertThat(policy.target()).isEqualTo(1);
    assertThat(sim.resident.get(0L).queue()).isEqualTo(T2);
  }

  @Test
  void targetMovesByTheGhostsWeightInBytes() {
    ArcPolicy policy = new ArcPolicy(100);
    PolicySimulator sim = new PolicySimulator(policy);
    sim.get(0, 20);
    sim.get(0, 20);
    for (long key = 1; key < 4; key++) {
      sim.get(key, 30);
    }
    assertThat(ghostListOf(policy, 1)).isEqualTo(B1);
    assertThat(policy.ghosts().weight(B1)).isEqualTo(30);

    sim.get(1, 30);

    assertThat(policy.target()).isEqualTo(30);
  }

  @Test
  void deletedKeysLeaveNoGhost() {
    ArcPolicy policy = new ArcPolicy(10);
    TestNode node = new TestNode(1, 1);
    policy.onAdd(node);
    policy.onRemove(node);

    assertThat(policy.ghosts().size()).isZero();
    TestNode again = new TestNode(1, 1);
    policy.onAdd(again);
    assertThat(again.queue()).isEqualTo(T1);
  }

  /** A hot set read between the keys of a loop too large to cache: LRU keeps only the loop. */
  @Test
  void scanDoesNotFlushFrequentKeysAsItDoesInLru() {
    PolicySimulator arc = new PolicySimulator(new ArcPolicy(100));
    PolicySimulator lru = new PolicySimulator(new LruPolicy(100));
    Random random = new Random(5);
    for (int i = 0; i < 60_000; i++) {
      long key = (i % 3 == 0) ? random.nextInt(60) : 1_000 + (i % 10_000);
      arc.get(key);
      lru.get(key);
    }

    assertThat(arc.hitRatio()).isGreaterThan(0.3);
    assertThat(arc.hitRatio()).isGreaterThan(lru.hitRatio() * 2);
    assertThat(LongStream.range(0, 60).filter(arc::contains).count()).isEqualTo(60);
  }

  @Test
  void ghostDirectoryStaysWithinTheWeightedBoundsOfThePaper() {
    Random random = new Random(9);
    long maximum = 2_000;
    ArcPolicy policy = new ArcPolicy(maximum);
    PolicySimulator sim = new PolicySimulator(policy);
    Zipf zipf = new Zipf(3_000, 0.8, random);
    List<Long> keys = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      long key = random.nextInt(4) == 0 ? 10_000 + random.nextInt(2_000) : zipf.next();
      if (random.nextInt(50) == 0 && !keys.isEmpty()) {
        // The store deletes a key now and then
        TestNode node = sim.resident.remove(keys.get(random.nextInt(keys.size())));
        if (node != null) {
          policy.onRemove(node);
        }
      } else {
        sim.get(key, 1 + (int) (TestNode.hashOf(key) & 63));
        keys.add(key);
      }
      if (keys.size() > 1_000) {
        keys.clear();
      }

      long b1 = policy.ghosts().weight(B1);
      long b2 = policy.ghosts().weight(B2);
      assertThat(policy.weightedSize()).isLessThanOrEqualTo(maximum);
      assertThat(policy.recentWeight() + b1).isLessThanOrEqualTo(maximum);
      assertThat(b1 + b2).isLessThanOrEqualTo(maximum);
      assertThat(policy.target()).isBetween(0L, maximum);
    }
    assertThat(policy.ghosts().size()).isPositive();
  }

  @Test
  void shrinkingTheMaximumTrimsTheTargetAndTheGhosts() {
    ArcPolicy policy = new ArcPolicy(100);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 300; key++) {
      sim.get(key % 150);
    }
    policy.setMaximum(20);
    policy.evict(v -> sim.resident.remove(((TestNode) v).key));

    assertThat(policy.target()).isLessThanOrEqualTo(20);
    assertThat(policy.ghosts().weight()).isLessThanOrEqualTo(20);
    assertThat(policy.weightedSize()).isLessThanOrEqualTo(20);
  }
}
