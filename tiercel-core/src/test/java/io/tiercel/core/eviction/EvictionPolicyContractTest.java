package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.EvictionPolicyKind;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@link EvictionPolicy} contract, checked for every policy. */
class EvictionPolicyContractTest {

  /** Returns a deterministic policy of {@code kind}. */
  static EvictionPolicy newPolicy(EvictionPolicyKind kind, long maximum) {
    return switch (kind) {
      case LRU -> new LruPolicy(maximum);
      case ARC -> new ArcPolicy(maximum);
      case TINYLFU -> new TinyLfuPolicy(maximum, 42);
    };
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void factoryCreatesThePolicyOfEachKind(EvictionPolicyKind kind) {
    EvictionPolicy policy = EvictionPolicies.create(kind, 1000);

    assertThat(policy.kind()).isEqualTo(kind);
    assertThat(policy.maximum()).isEqualTo(1000);
    assertThat(policy.weightedSize()).isZero();
    assertThat(policy.size()).isZero();
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void evictKeepsTheWeightWithinTheMaximum(EvictionPolicyKind kind) {
    EvictionPolicy policy = newPolicy(kind, 10_000);
    Random random = new Random(7);
    Map<PolicyNode, Boolean> live = new IdentityHashMap<>();

    for (int i = 0; i < 20_000; i++) {
      TestNode node = new TestNode(random.nextInt(5_000), 1 + random.nextInt(300));
      if (live.isEmpty() || random.nextInt(3) > 0) {
        policy.onAdd(node);
        live.put(node, true);
      } else {
        PolicyNode some = live.keySet().iterator().next();
        policy.onAccess(some);
      }
      List<PolicyNode> victims = new ArrayList<>();
      int evicted = policy.evict(victims::add);

      assertThat(evicted).isEqualTo(victims.size());
      assertThat(policy.weightedSize()).isLessThanOrEqualTo(policy.maximum());
      for (PolicyNode victim : victims) {
        assertThat(victim.isLinked()).isFalse();
        assertThat(live.remove(victim)).isNotNull();
      }
    }
    assertThat(policy.size()).isEqualTo(live.size());
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void aNodeHeavierThanTheMaximumIsEvicted(EvictionPolicyKind kind) {
    EvictionPolicy policy = newPolicy(kind, 100);
    for (int i = 0; i < 50; i++) {
      policy.onAdd(new TestNode(i, 1));
      policy.evict(v -> {});
    }
    TestNode huge = new TestNode(1_000, 101);
    policy.onAdd(huge);
    List<PolicyNode> victims = new ArrayList<>();
    policy.evict(victims::add);

    assertThat(victims).contains(huge);
    assertThat(policy.weightedSize()).isLessThanOrEqualTo(100);
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void aRewriteHeavierThanTheMaximumIsEvictedNext(EvictionPolicyKind kind) {
    EvictionPolicy policy = newPolicy(kind, 100);
    List<TestNode> nodes = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      TestNode node = new TestNode(i, 1);
      nodes.add(node);
      policy.onAdd(node);
      policy.evict(v -> {});
    }
    for (TestNode node : nodes.subList(0, 40)) {
      policy.onAccess(node);
    }
    TestNode huge = new TestNode(5, 150);
    policy.onReplace(nodes.get(5), huge);
    List<PolicyNode> victims = new ArrayList<>();
    policy.evict(victims::add);

    assertThat(victims).contains(huge);
    assertThat(policy.weightedSize()).isLessThanOrEqualTo(100);
  }

  static Stream<Arguments> kindsAndSeeds() {
    return Stream.of(EvictionPolicyKind.values())
        .flatMap(kind -> Stream.of(1L, 2L, 3L, 4L).map(seed -> Arguments.of(kind, seed)));
  }

  /** Random adds, reads, rewrites, deletes, stale events and resizes, against recomputed sums. */
  @ParameterizedTest
  @MethodSource("kindsAndSeeds")
  void sizesStayExactUnderRandomOperations(EvictionPolicyKind kind, long seed) {
    Random random = new Random(seed);
    EvictionPolicy policy = newPolicy(kind, 5_000);
    List<TestNode> live = new ArrayList<>();
    Set<PolicyNode> liveSet = Collections.newSetFromMap(new IdentityHashMap<>());
    List<TestNode> dead = new ArrayList<>();
    Consumer<PolicyNode> evictor = victim -> {
      assertThat(liveSet.remove(victim)).as("victim %s was live", victim).isTrue();
      assertThat(victim.isLinked()).isFalse();
      dead.add((TestNode) victim);
    };
    long nextKey = 0;

    for (int step = 0; step < 15_000; step++) {
      int op = random.nextInt(100);
      if (op < 35 || live.isEmpty()) {
        // A small key space makes ghost hits and sketch collisions common
        long key = random.nextInt(4) == 0 ? nextKey++ : random.nextInt(400);
        TestNode node = new TestNode(key, random.nextInt(120));
        policy.onAdd(node);
        liveSet.add(node);
      } else if (op < 65) {
        policy.onAccess(pick(live, random));
      } else if (op < 80) {
        TestNode old = pick(live, random);
        TestNode node = new TestNode(old.key, random.nextInt(120));
        policy.onReplace(old, node);
        liveSet.remove(old);
        liveSet.add(node);
        dead.add(old);
        assertThat(old.isLinked()).isFalse();
      } else if (op < 88) {
        TestNode node = pick(live, random);
        policy.onRemove(node);
        liveSet.remove(node);
        dead.add(node);
      } else if (op < 96) {
        if (!dead.isEmpty()) {
          TestNode stale = dead.get(random.nextInt(dead.size()));
          if (random.nextBoolean()) {
            policy.onAccess(stale);
          } else {
            policy.onRemove(stale);
          }
        }
      } else if (op < 97) {
        policy.setMaximum(1_000 + random.nextInt(8_000));
      } else {
        // A rewrite of a key whose old node is already gone behaves as an add
        TestNode stale = dead.isEmpty() ? new TestNode(-1, 1) : dead.get(dead.size() - 1);
        TestNode node = new TestNode(stale.key, random.nextInt(120));
        policy.onReplace(stale, node);
        liveSet.add(node);
      }
      if (dead.size() > 1_000) {
        dead.subList(0, 500).clear();
      }
      if (random.nextInt(4) > 0 || op >= 96) {
        policy.evict(evictor);
        assertThat(policy.weightedSize()).isLessThanOrEqualTo(policy.maximum());
      }
      live.clear();
      for (PolicyNode node : liveSet) {
        live.add((TestNode) node);
      }
      live.sort((a, b) -> Long.compare(a.key, b.key));
      assertConsistent(policy, liveSet);
    }
  }

  private static TestNode pick(List<TestNode> live, Random random) {
    return live.get(random.nextInt(live.size()));
  }

  /** Asserts that the policy holds exactly {@code live}, with exact sizes. */
  static void assertConsistent(EvictionPolicy policy, Set<PolicyNode> live) {
    long weight = 0;
    for (PolicyNode node : live) {
      weight += node.weight();
      assertThat(node.isLinked()).as("%s linked", node).isTrue();
    }
    Set<PolicyNode> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    policy.forEach(node -> assertThat(visited.add(node)).as("%s visited once", node).isTrue());

    assertThat(visited).isEqualTo(live);
    assertThat(policy.size()).isEqualTo(live.size());
    assertThat(policy.weightedSize()).isEqualTo(weight);
  }

  /** Runs the same history through two copies, then replaces in one and reads in the other. */
  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void replaceTakesTheOldNodesPlaceAsAnAccessWould(EvictionPolicyKind kind) {
    EvictionPolicy replaced = newPolicy(kind, 1_000);
    EvictionPolicy accessed = newPolicy(kind, 1_000);
    Map<Long, TestNode> left = new HashMap<>();
    Map<Long, TestNode> right = new HashMap<>();
    Random random = new Random(11);
    for (int i = 0; i < 5_000; i++) {
      long key = random.nextInt(3_000);
      for (var pair : List.of(Map.entry(replaced, left), Map.entry(accessed, right))) {
        EvictionPolicy policy = pair.getKey();
        Map<Long, TestNode> nodes = pair.getValue();
        TestNode node = nodes.get(key);
        if (node == null) {
          node = new TestNode(key, 10);
          nodes.put(key, node);
          policy.onAdd(node);
          policy.evict(v -> nodes.remove(((TestNode) v).key));
        } else {
          policy.onAccess(node);
        }
      }
    }
    assertThat(order(replaced)).isEqualTo(order(accessed));

    for (long key : new ArrayList<>(left.keySet()).subList(0, 50)) {
      TestNode old = left.get(key);
      TestNode node = new TestNode(key, 10);
      replaced.onReplace(old, node);
      left.put(key, node);
      accessed.onAccess(right.get(key));

      assertThat(old.isLinked()).isFalse();
      assertThat(order(replaced)).isEqualTo(order(accessed));
      assertThat(node.queue()).isEqualTo(right.get(key).queue());
    }
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void replaceWithADifferentWeightAdjustsTheWeightedSize(EvictionPolicyKind kind) {
    EvictionPolicy policy = newPolicy(kind, 1_000);
    TestNode a = new TestNode(1, 10);
    TestNode b = new TestNode(2, 20);
    policy.onAdd(a);
    policy.onAdd(b);
    TestNode bigger = new TestNode(1, 50);
    policy.onReplace(a, bigger);

    assertThat(policy.weightedSize()).isEqualTo(70);
    assertThat(policy.size()).isEqualTo(2);
    assertThat(bigger.isLinked()).isTrue();
    assertThat(a.isLinked()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void replaceOfAnUnlinkedNodeAddsTheNewOne(EvictionPolicyKind kind) {
    EvictionPolicy policy = newPolicy(kind, 1_000);
    TestNode neverAdded = new TestNode(1, 10);
    TestNode node = new TestNode(1, 15);
    policy.onReplace(neverAdded, node);

    assertThat(node.isLinked()).isTrue();
    assertThat(policy.weightedSize()).isEqualTo(15);
    assertThat(policy.size()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(EvictionPolicyKind.class)
  void accessAndRemoveOfUnlinkedNodesAreIgnored(EvictionPolicyKind kind) {
    EvictionPolicy policy = newPolicy(kind, 100);
    List<TestNode> evicted = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      policy.onAdd(new TestNode(i, 10));
      policy.evict(v -> evicted.add((TestNode) v));
    }
    TestNode removed = new TestNode(100, 10);
    policy.onAdd(removed);
    policy.evict(v -> evicted.add((TestNode) v));
    policy.onRemove(removed);
    TestNode neverAdded = new TestNode(101, 10);
    List<KeyInQueue> before = order(policy);
    long weight = policy.weightedSize();
    long size = policy.size();

    for (TestNode stale : List.of(evicted.get(0), evicted.get(evicted.size() - 1), removed,
        neverAdded)) {
      policy.onAccess(stale);
      policy.onRemove(stale);
      assertThat(stale.isLinked()).isFalse();
    }
    assertThat(order(policy)).isEqualTo(before);
    assertThat(policy.weightedSize()).isEqualTo(weight);
    assertThat(policy.size()).isEqualTo(size);
  }

  @Test
  void evictWithNothingOverTheMaximumEvictsNothing() {
    for (EvictionPolicyKind kind : EvictionPolicyKind.values()) {
      EvictionPolicy policy = newPolicy(kind, 100);
      policy.onAdd(new TestNode(1, 100));

      assertThat(policy.evict(v -> {})).as(kind.name()).isZero();
      assertThat(policy.size()).isEqualTo(1);
    }
  }

  /** Returns the keys in the policy's visiting order, with their queues. */
  static List<KeyInQueue> order(EvictionPolicy policy) {
    List<KeyInQueue> nodes = new ArrayList<>();
    policy.forEach(n -> nodes.add(new KeyInQueue(((TestNode) n).key, n.queue())));
    return nodes;
  }

  /** A snapshot of where a key is. */
  record KeyInQueue(long key, byte queue) {}
}
