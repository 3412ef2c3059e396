package io.tiercel.core.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class TinyLfuPolicyTest {

  @Test
  void windowStartsAtOnePercentAndProtectedAtEightyPercentOfMain() {
    TinyLfuPolicy policy = new TinyLfuPolicy(10_000, 1);

    assertThat(policy.windowMaximum()).isEqualTo(100);
    assertThat(policy.mainProtectedMaximum()).isEqualTo(7_920);
  }

  @Test
  void newEntriesEnterTheWindowThenProbationAndReuseProtectsThem() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 60; key++) {
      sim.get(key);
    }

    assertThat(policy.windowMaximum()).isEqualTo(1);
    assertThat(sim.resident.get(59L).queue()).isEqualTo(TinyLfuPolicy.WINDOW);
    for (long key = 0; key < 59; key++) {
      assertThat(sim.resident.get(key).queue()).isEqualTo(TinyLfuPolicy.PROBATION);
    }
    sim.get(3);
    policy.forEach(node -> {});
    assertThat(sim.resident.get(3L).queue()).isEqualTo(TinyLfuPolicy.PROTECTED);
  }

  @Test
  void readsCountFromTheFirstAddAsInCaffeineSizedUpFront() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 20; key++) {
      sim.get(key);
    }
    sim.get(0);
    policy.forEach(node -> {});

    assertThat(sim.resident.get(0L).queue()).isEqualTo(TinyLfuPolicy.PROTECTED);
    assertThat(policy.sketch().frequency(TestNode.hashOf(0))).isGreaterThanOrEqualTo(2);
  }

  @Test
  void readsAreAppliedInBatchesOfSixteenAndOneFindingTheBufferFullIsDropped() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 60; key++) {
      sim.get(key);
    }
    for (long key = 0; key < 16; key++) {
      sim.get(key);
      assertThat(sim.resident.get(key).queue()).isEqualTo(TinyLfuPolicy.PROBATION);
    }
    int frequency = policy.sketch().frequency(TestNode.hashOf(16));

    // The 17th read finds 16 pending: it is dropped and the 16 are applied
    sim.get(16);
    for (long key = 0; key < 16; key++) {
      assertThat(sim.resident.get(key).queue()).isEqualTo(TinyLfuPolicy.PROTECTED);
    }
    assertThat(sim.resident.get(16L).queue()).isEqualTo(TinyLfuPolicy.PROBATION);
    assertThat(policy.sketch().frequency(TestNode.hashOf(16))).isEqualTo(frequency);

    // A write applies whatever is pending first
    sim.get(17);
    sim.get(1_000);
    assertThat(sim.resident.get(17L).queue()).isEqualTo(TinyLfuPolicy.PROTECTED);
  }

  @Test
  void smallCacheGetsAFullSketchAtItsFirstAddSizedForTwiceTheEntriesThatFit() {
    TinyLfuPolicy policy = new TinyLfuPolicy(1_000, 1);
    PolicySimulator sim = new PolicySimulator(policy);

    // One entry of 10 bytes says that 100 of them fit: a table for 200
    sim.get(0, 10);
    assertThat(policy.sketch().bytes()).isEqualTo(8 * 256);
    assertThat(policy.sketch().sampleSize()).isEqualTo(1_000);

    // Smaller entries arrive: more fit, and the sketch grows with the estimate
    for (long key = 1_000; key < 2_000; key++) {
      sim.get(key, 2);
    }
    assertThat(policy.size()).isEqualTo(500);
    assertThat(policy.sketch().bytes()).isEqualTo(8 * 1_024);
    assertThat(policy.sketch().sampleSize()).isGreaterThan(2_560);
  }

  @Test
  void largeCacheGrowsItsSketchWithTheResidentEntries() {
    TinyLfuPolicy policy = new TinyLfuPolicy(1_000_000, 1);
    PolicySimulator sim = new PolicySimulator(policy);

    sim.get(0, 10);
    assertThat(policy.sketch().bytes()).isEqualTo(8L * TinyLfuPolicy.EAGER_SKETCH_ENTRIES);
    assertThat(policy.sketch().sampleSize()).isEqualTo(1_000_000);

    for (long key = 1; key < 10_000; key++) {
      sim.get(key, 10);
    }
    assertThat(policy.sketch().bytes()).isEqualTo(8 * 16_384);
    assertThat(policy.sketch().bytes() / policy.size()).isLessThanOrEqualTo(16);
  }

  @Test
  void sketchOfUnitWeightsAgesAsCaffeinesMaximumSizeDoesWithTwiceItsTable() {
    TinyLfuPolicy policy = new TinyLfuPolicy(1_000, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 5_000; key++) {
      sim.get(key);
    }

    assertThat(policy.sketch().bytes()).isEqualTo(8 * 2_048);
    assertThat(policy.sketch().sampleSize()).isEqualTo(10_000);
  }

  @Test
  void scanDoesNotFlushFrequentKeys() {
    TinyLfuPolicy policy = new TinyLfuPolicy(1_000, 1);
    PolicySimulator tinyLfu = new PolicySimulator(policy);
    PolicySimulator lru = new PolicySimulator(new LruPolicy(1_000));
    for (PolicySimulator sim : new PolicySimulator[] {tinyLfu, lru}) {
      for (long key = 0; key < 1_000; key++) {
        sim.get(1_000_000 + key);
      }
      // Ten reads of each hot key, with a few newcomers that push them out of the window
      for (int round = 0; round < 10; round++) {
        for (long key = 0; key < 100; key++) {
          sim.get(key);
        }
        for (long key = 0; key < 20; key++) {
          sim.get(3_000_000 + round * 100 + key);
        }
      }
      for (long key = 0; key < 10_000; key++) {
        sim.get(2_000_000 + key);
      }
    }

    assertThat(LongStream.range(0, 100).filter(tinyLfu::contains).count()).isEqualTo(100);
    assertThat(LongStream.range(0, 100).filter(lru::contains).count()).isZero();
    assertThat(policy.weightedSize()).isEqualTo(1_000);
  }

  /** All keys share one hash, as in an attack that pins the victim's frequency at 15. */
  @Test
  void warmCandidatesAreSometimesAdmittedSoHashFloodingCannotFreezeTheCache() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 3);
    PolicySimulator sim = new PolicySimulator(policy, key -> 0x5eed);
    for (long key = 0; key < 100; key++) {
      sim.get(key);
    }
    assertThat(policy.windowMaximum()).isEqualTo(1);
    assertThat(policy.sketch().frequency(0x5eed)).isEqualTo(15);

    for (long key = 100; key < 5_100; key++) {
      sim.get(key);
    }

    // Equal frequencies never admit by comparison; about 1 in 128 of 5,000 candidates get in
    long originals = LongStream.range(0, 100).filter(sim::contains).count();
    assertThat(originals).isBetween(40L, 85L);
    assertThat(policy.windowMaximum()).isEqualTo(1);
  }

  @Test
  void candidateWithEqualColdFrequencyIsRejected() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 3);
    PolicySimulator sim = new PolicySimulator(policy, key -> 0x5eed);
    for (long key = 0; key < 100; key++) {
      sim.get(key);
    }
    for (int i = 0; i < 20; i++) {
      policy.sketch().reset();
    }
    assertThat(policy.sketch().frequency(0x5eed)).isZero();
    for (long key = 100; key < 103; key++) {
      sim.get(key);
    }

    // Each newcomer reaches frequency 1..3 < 6: compared with an equal victim, never admitted
    assertThat(LongStream.range(0, 100).filter(sim::contains).count()).isEqualTo(99);
  }

  @Test
  void hillClimberGrowsTheWindowForRecencyAndShrinksItForFrequency() {
    int maximum = 2_000;
    TinyLfuPolicy policy = new TinyLfuPolicy(maximum, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    PolicySimulator lru = new PolicySimulator(new LruPolicy(maximum));
    Random random = new Random(1);
    long initialWindow = policy.windowMaximum();

    // Recency-skewed: a working set that slides forward, each key reused for a short while
    for (int t = 0; t < 500_000; t++) {
      if (t == 400_000) {
        sim.resetStats();
        lru.resetStats();
      }
      long key = t / 4 + random.nextInt(1_500);
      sim.get(key);
      lru.get(key);
    }
    // Once adapted, close to LRU, which is the best of the two on this stream
    assertThat(sim.hitRatio()).isGreaterThan(lru.hitRatio() - 0.05);
    long recencyWindow = policy.windowMaximum();
    assertThat(recencyWindow).isGreaterThan(maximum / 2).isGreaterThan(initialWindow * 20);

    // Frequency-skewed: Zipf-popular keys mixed with a loop over more keys than fit
    Zipf zipf = new Zipf(20_000, 0.9, random);
    sim.resetStats();
    lru.resetStats();
    for (int t = 0; t < 500_000; t++) {
      long key = random.nextBoolean()
          ? 2_000_000_000L + (t % 3_000)
          : 1_000_000_000L + zipf.next();
      sim.get(key);
      lru.get(key);
    }
    assertThat(policy.windowMaximum()).isLessThan(maximum / 10).isLessThan(recencyWindow / 5);
    assertThat(sim.hitRatio()).isGreaterThan(lru.hitRatio() + 0.1);
    assertThat(policy.weightedSize()).isLessThanOrEqualTo(maximum);
  }

  @Test
  void climberRestartsAfterSetMaximum() {
    TinyLfuPolicy policy = new TinyLfuPolicy(1_000, 1);
    policy.setMaximum(4_000);

    assertThat(policy.maximum()).isEqualTo(4_000);
    assertThat(policy.windowMaximum()).isEqualTo(40);
    assertThat(policy.mainProtectedMaximum()).isEqualTo(3_168);
  }

  /** Sweeps keys 0..749 up, then down, and so on: every key about equally frequent. */
  private static double backAndForth(EvictionPolicy policy, int passes) {
    PolicySimulator sim = new PolicySimulator(policy);
    for (int pass = 0; pass < passes; pass++) {
      for (int i = 0; i < 750; i++) {
        sim.get(pass % 2 == 0 ? i : 749 - i);
      }
    }
    return sim.hitRatio();
  }

  @Test
  void backAndForthScansLearnToKeepVictimsInsteadOfChurning() {
    TinyLfuPolicy policy = new TinyLfuPolicy(300, 1);
    double tinyLfu = backAndForth(policy, 12);
    double lru = backAndForth(new LruPolicy(300), 12);

    // Each candidate leads its victim by its own fresh count; admitting it evicts the key the
    // sweep needs next.
    assertThat(policy.marginal().keepsVictim()).isTrue();
    assertThat(tinyLfu).isGreaterThan(0.3);
    assertThat(tinyLfu).isGreaterThan(0.8 * lru);
  }

  @Test
  void driftingWorkingSetKeepsAdmittingMarginalCandidates() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    Random random = new Random(7);
    // The popular keys drift: a newcomer is wanted again soon, an old victim never
    for (int i = 0; i < 100_000; i++) {
      sim.get(i / 10 + random.nextInt(150));
    }

    assertThat(policy.marginal().votes()).isNegative();
    assertThat(policy.marginal().keepsVictim()).isFalse();
  }

  /**
   * Fills a cache of {@code maximum} entries with keys 0 up, gives the window's oldest entry a
   * second count, then adds a newcomer: that candidate leads the victim (key 0, seen once) by
   * exactly one, and wins. Then key 0 is requested again; returns the referee's votes.
   */
  private static int voteOnMarginalEvictionOfKeyZero(TinyLfuPolicy policy, long maximum,
      boolean ageFirst) {
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < maximum; key++) {
      sim.get(key);
    }
    if (ageFirst) {
      policy.sketch().reset();
      policy.evict(victim -> {});
    }
    PolicyNode[] windowHead = new PolicyNode[1];
    policy.forEach(node -> {
      if (windowHead[0] == null && node.queue() == TinyLfuPolicy.WINDOW) {
        windowHead[0] = node;
      }
    });
    policy.sketch().increment(windowHead[0].keyHash());
    int before = policy.marginal().votes();

    sim.get(maximum);
    assertThat(sim.contains(0)).isFalse();
    sim.get(0);
    return policy.marginal().votes() - before;
  }

  @Test
  void largeCacheTakesItsResidentsWhenHalfFullAsTheStoreStartsRecordingReads() {
    TinyLfuPolicy policy = new TinyLfuPolicy(20_000, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 9_999; key++) {
      sim.get(key);
    }
    assertThat(policy.unrecorded().isTaken()).isFalse();

    sim.get(9_999);

    assertThat(policy.unrecorded().isTaken()).isTrue();
    assertThat(policy.unrecorded().mightContain(TestNode.hashOf(0))).isTrue();
    assertThat(policy.unrecorded().mightContain(TestNode.hashOf(9_999))).isTrue();
  }

  @Test
  void residentsAreTakenWhenTheStoreSaysItRecordsReadsNotWhenThePolicyIsHalfFull() {
    TinyLfuPolicy policy = new TinyLfuPolicy(20_000, 1);
    for (long key = 0; key < 15_000; key++) {
      policy.onAdd(new TestNode(key, 1));
      policy.evict(victim -> { });
    }
    assertThat(policy.unrecorded().isTaken()).isFalse();

    policy.onReadRecordingStarted();

    assertThat(policy.unrecorded().isTaken()).isTrue();
    assertThat(policy.unrecorded().mightContain(TestNode.hashOf(14_999))).isTrue();
  }

  @Test
  void marginalEvictionOfAResidentFromBeforeReadsWereRecordedCastsNoVote() {
    TinyLfuPolicy policy = new TinyLfuPolicy(20_000, 1);

    assertThat(voteOnMarginalEvictionOfKeyZero(policy, 20_000, false)).isZero();
  }

  @Test
  void afterTheSketchFirstAgesSuchEvictionsVoteAgain() {
    TinyLfuPolicy policy = new TinyLfuPolicy(20_000, 1);

    assertThat(voteOnMarginalEvictionOfKeyZero(policy, 20_000, true)).isEqualTo(1);
    assertThat(policy.unrecorded().bytes()).isZero();
  }

  @Test
  void smallCacheKeepsEveryVote() {
    TinyLfuPolicy policy = new TinyLfuPolicy(1_000, 1);

    assertThat(voteOnMarginalEvictionOfKeyZero(policy, 1_000, false)).isEqualTo(1);
  }

  @Test
  void sameSeedAndHashesReplayIdentically() {
    double first = backAndForth(new TinyLfuPolicy(300, 42), 12);
    double second = backAndForth(new TinyLfuPolicy(300, 42), 12);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void frequencyIsTheSketchEstimatePlusTheReadsStillBuffered() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 60; key++) {
      sim.get(key);
    }
    int applied = policy.sketch().frequency(TestNode.hashOf(7));
    assertThat(policy.frequency(TestNode.hashOf(7))).isEqualTo(applied);

    for (int i = 0; i < 3; i++) {
      sim.get(7);
    }

    // Three reads wait in the policy's buffer; the estimate counts them without applying them.
    assertThat(policy.sketch().frequency(TestNode.hashOf(7))).isEqualTo(applied);
    assertThat(policy.frequency(TestNode.hashOf(7))).isEqualTo(applied + 3);
    policy.forEach(node -> {});
    assertThat(policy.sketch().frequency(TestNode.hashOf(7))).isEqualTo(applied + 3);
    assertThat(policy.frequency(TestNode.hashOf(7))).isEqualTo(applied + 3);
  }

  @Test
  void frequencyNeverExceedsWhatTheSketchCanHold() {
    TinyLfuPolicy policy = new TinyLfuPolicy(100, 1);
    PolicySimulator sim = new PolicySimulator(policy);
    for (long key = 0; key < 60; key++) {
      sim.get(key);
    }
    for (int i = 0; i < 15 + 10; i++) {
      sim.get(3);
    }

    assertThat(policy.frequency(TestNode.hashOf(3))).isEqualTo(FrequencySketch.MAX_FREQUENCY);
  }

  @Test
  void policiesWithoutASketchTrackNoFrequency() {
    assertThat(new LruPolicy(100).frequency(TestNode.hashOf(1)))
        .isEqualTo(EvictionPolicy.NOT_TRACKED);
    assertThat(new ArcPolicy(100).frequency(TestNode.hashOf(1)))
        .isEqualTo(EvictionPolicy.NOT_TRACKED);
  }
}
