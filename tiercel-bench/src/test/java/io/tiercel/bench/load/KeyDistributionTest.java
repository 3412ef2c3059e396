package io.tiercel.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.tiercel.bench.UsageException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyDistributionTest {

  @Test
  void zipfRanksFollowThePowerLawForExponentsBelowAtAndAboveOne() {
    for (double s : new double[] {0.5, 0.99, 1.0, 1.5}) {
      int n = 1000;
      KeyDistribution.Zipf zipf =
          (KeyDistribution.Zipf) KeyDistribution.parse("zipf:" + s, n, 7);
      SplittableRandom random = new SplittableRandom(42);
      int draws = 400_000;
      long[] counts = new long[n + 1];
      for (int i = 0; i < draws; i++) {
        int rank = zipf.rank(random);
        assertThat(rank).isBetween(1, n);
        counts[rank]++;
      }
      double harmonic = 0;
      for (int k = 1; k <= n; k++) {
        harmonic += Math.pow(k, -s);
      }
      for (int k : new int[] {1, 2, 3, 10, 100}) {
        double expected = Math.pow(k, -s) / harmonic;
        double observed = (double) counts[k] / draws;
        double sigma = Math.sqrt(expected * (1 - expected) / draws);
        assertThat(observed).as("s=%s rank %d", s, k).isCloseTo(expected, within(5 * sigma));
      }
    }
  }

  @Test
  void popularRanksAreScatteredOverTheKeysByABijection() {
    int n = 1000;
    KeyDistribution.RankToKey ranks = new KeyDistribution.RankToKey(n, 99L);
    Set<Integer> keys = new HashSet<>();
    for (int rank = 0; rank < n; rank++) {
      keys.add(ranks.key(rank));
    }
    assertThat(keys).hasSize(n);
    assertThat(keys).allMatch(k -> k >= 0 && k < n);
    assertThat(ranks.key(0)).isNotEqualTo(new KeyDistribution.RankToKey(n, 100L).key(0));
  }

  @Test
  void hotSetReceivesItsShareOfRequests() {
    int n = 10_000;
    KeyDistribution hot = KeyDistribution.parse("hotset:0.1:0.9", n, 3);
    KeyDistribution.RankToKey ranks = new KeyDistribution.RankToKey(n, 3);
    boolean[] isHot = new boolean[n];
    for (int rank = 0; rank < 1000; rank++) {
      isHot[ranks.key(rank)] = true;
    }
    SplittableRandom random = new SplittableRandom(5);
    int draws = 200_000;
    int hits = 0;
    for (int i = 0; i < draws; i++) {
      hits += isHot[hot.next(random)] ? 1 : 0;
    }
    assertThat((double) hits / draws).isCloseTo(0.9, within(0.005));
  }

  @Test
  void uniformTouchesEveryKeyEvenly() {
    int n = 100;
    KeyDistribution uniform = KeyDistribution.parse("uniform", n, 1);
    SplittableRandom random = new SplittableRandom(9);
    long[] counts = new long[n];
    int draws = 200_000;
    for (int i = 0; i < draws; i++) {
      counts[uniform.next(random)]++;
    }
    double expected = (double) draws / n;
    double chiSquare = Arrays.stream(counts).mapToDouble(c -> (c - expected) * (c - expected)
        / expected).sum();
    assertThat(chiSquare).isLessThan(160); // 99 degrees of freedom; the 0.9999 quantile is ~156
  }

  @Test
  void sameSeedAndClientGiveTheSameRequestStreamAndOtherClientsDiffer() {
    Workload w = workload(11);
    assertThat(stream(w, 0)).isEqualTo(stream(workload(11), 0));
    assertThat(stream(w, 1)).isNotEqualTo(stream(w, 0));
    assertThat(stream(workload(12), 0)).isNotEqualTo(stream(w, 0));
  }

  @Test
  void requestMixAndValueSizesFollowTheWorkload() {
    Workload w = workload(1);
    Workload.Ops ops = w.ops(0);
    int sets = 0;
    int draws = 100_000;
    for (int i = 0; i < draws; i++) {
      ops.next();
      if (ops.kind() == OpKind.SET) {
        sets++;
        assertThat(ops.valueLength()).isBetween(50, 500);
      } else {
        assertThat(ops.valueLength()).isZero();
      }
      assertThat(ops.key()).isBetween(0, 4999);
    }
    assertThat((double) sets / draws).isCloseTo(0.25, within(0.01));
  }

  @Test
  void badSpecsAreUsageErrors() {
    for (String spec : new String[] {"zipf:0", "zipf:-1", "zipf:x", "hotset:0.1", "hotset:2:0.5",
        "hotset:0.1:1.5", "normal", "uniform:3"}) {
      assertThatThrownBy(() -> KeyDistribution.parse(spec, 100, 1)).as(spec)
          .isInstanceOf(UsageException.class).hasMessageContaining("--distribution");
    }
    assertThatThrownBy(() -> Workload.parseRatio("9")).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> Workload.parseValueSize("5-")).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> workloadWithValues(0, 10)).isInstanceOf(UsageException.class);
    assertThatThrownBy(() -> workloadWithValues(10, 5)).isInstanceOf(UsageException.class);
    assertThat(Workload.parseRatio("get:set=9:1")).containsExactly(9, 1);
    assertThat(Workload.parseValueSize("50-500")).containsExactly(50, 500);
  }

  private static Workload workload(long seed) {
    return new Workload(3, 1, KeyDistribution.parse("zipf:0.99", 5000, seed), 50, 500, 0, "key:",
        seed);
  }

  private static Workload workloadWithValues(int min, int max) {
    return new Workload(1, 1, KeyDistribution.parse("uniform", 10, 1), min, max, 0, "k", 1);
  }

  private static String stream(Workload w, int client) {
    Workload.Ops ops = w.ops(client);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      ops.next();
      s.append(ops.kind()).append(ops.key()).append('/').append(ops.valueLength()).append(' ');
    }
    return s.toString();
  }
}
