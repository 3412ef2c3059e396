package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LruPolicyTest {

  private static List<Long> keys(EvictionPolicy policy) {
    List<Long> keys = new ArrayList<>();
    policy.forEach(node -> keys.add(((TestNode) node).key));
    return keys;
  }

  @Test
  void evictsTheLeastRecentlyUsedFirst() {
    LruPolicy policy = new LruPolicy(3);
    PolicySimulator sim = new PolicySimulator(policy);
    sim.get(1);
    sim.get(2);
    sim.get(3);
    sim.get(1);
    sim.get(4);

    assertThat(keys(policy)).containsExactly(3L, 1L, 4L);
  }

  @Test
  void evictsAsManyAsTheNewcomersWeightNeeds() {
    LruPolicy policy = new LruPolicy(100);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 10; key++) {
      sim.get(key, 10);
    }
    sim.get(10, 35);

    assertThat(keys(policy)).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
    assertThat(policy.weightedSize()).isEqualTo(95);
  }

  @Test
  void replaceTakesTheOldPlaceThenCountsAsAnAccess() {
    LruPolicy policy = new LruPolicy(100);
    TestNode a = new TestNode(1, 1);
    policy.onAdd(a);
    policy.onAdd(new TestNode(2, 1));
    TestNode rewritten = new TestNode(1, 5);
    policy.onReplace(a, rewritten);

    assertThat(keys(policy)).containsExactly(2L, 1L);
    assertThat(policy.weightedSize()).isEqualTo(6);
    assertThat(a.isLinked()).isFalse();
  }

  @Test
  void aScanOfOneHitKeysFlushesTheHotSet() {
    PolicySimulator sim = new PolicySimulator(new LruPolicy(100));
    for (int round = 0; round < 10; round++) {
      for (long key = 0; key < 50; key++) {
        sim.get(key);
      }
    }
    for (long key = 1_000; key < 1_100; key++) {
      sim.get(key);
    }

    assertThat(LongStream.range(0, 50).filter(sim::contains).count()).isZero();
  }
}
