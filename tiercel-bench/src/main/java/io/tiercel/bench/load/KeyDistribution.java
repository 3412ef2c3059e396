package io.tiercel.bench.load;

import io.tiercel.bench.UsageException;
import java.util.SplittableRandom;

/**
 * Which key a request names: a key index in {@code [0, keys)} drawn from a seeded random source.
 *
 * <p>Three shapes, written the way {@code --distribution} reads them: {@code uniform};
 * {@code zipf:S}, where the key of popularity rank r is drawn with probability proportional to
 * r^-S (YCSB's default is 0.99); and {@code hotset:F:P}, where a fraction F of the keys receives a
 * fraction P of the requests, uniformly within the hot and within the cold set. Popularity ranks
 * are scattered over the key space by a seeded permutation, so the hottest keys are not simply
 * 0, 1, 2, ... (which would all hash near each other in some servers).
 */
public sealed interface KeyDistribution {

  /** Returns the next key index in {@code [0, keys())}. */
  int next(SplittableRandom random);

  /** Returns the number of keys drawn from. */
  int keys();

  /** Returns the spec this was parsed from, e.g. {@code zipf:0.99}. */
  String spec();

  /**
   * Parses {@code uniform}, {@code zipf:S} or {@code hotset:F:P} over {@code keys} keys; the
   * {@code seed} picks the rank-to-key permutation.
   */
  static KeyDistribution parse(String spec, int keys, long seed) {
    if (keys <= 0) {
      throw new UsageException("--keys: " + keys + " (expected: > 0)");
    }
    String[] parts = spec.trim().toLowerCase(java.util.Locale.ROOT).split(":");
    RankToKey ranks = new RankToKey(keys, seed);
    switch (parts[0]) {
      case "uniform" -> {
        if (parts.length == 1) {
          return new Uniform(keys);
        }
      }
      case "zipf" -> {
        if (parts.length <= 2) {
          double exponent = parts.length == 1 ? 0.99 : number(spec, parts[1]);
          if (!(exponent > 0) || exponent > 10) {
            throw new UsageException("--distribution " + spec + ": exponent " + exponent
                + " (expected: > 0 and <= 10)");
          }
          return new Zipf(keys, exponent, ranks);
        }
      }
      case "hotset" -> {
        if (parts.length == 3) {
          double fraction = number(spec, parts[1]);
          double probability = number(spec, parts[2]);
          if (!(fraction > 0 && fraction < 1) || !(probability >= 0 && probability <= 1)) {
            throw new UsageException("--distribution " + spec
                + " (expected: hotset:F:P with 0 < F < 1 and 0 <= P <= 1)");
          }
          int hot = (int) Math.max(1, Math.min(keys - 1L, Math.round(fraction * keys)));
          if (keys == 1) {
            return new Uniform(keys);
          }
          return new HotSet(keys, hot, probability, fraction, ranks);
        }
      }
      default -> { }
    }
    throw new UsageException("--distribution '" + spec
        + "' (expected: uniform, zipf:S such as zipf:0.99, or hotset:F:P such as hotset:0.1:0.9)");
  }

  private static double number(String spec, String text) {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new UsageException("--distribution " + spec + ": '" + text + "' is not a number");
    }
  }

  /** Every key equally likely. */
  record Uniform(int keys) implements KeyDistribution {
    @Override
    public int next(SplittableRandom random) {
      return random.nextInt(keys);
    }

    @Override
    public String spec() {
      return "uniform";
    }
  }

  /** A fraction of the keys (the hot set) receives a fixed fraction of the requests. */
  record HotSet(int keys, int hot, double probability, double fraction, RankToKey ranks)
      implements KeyDistribution {
    @Override
    public int next(SplittableRandom random) {
      int rank = random.nextDouble() < probability
          ? random.nextInt(hot)
          : hot + random.nextInt(keys - hot);
      return ranks.key(rank);
    }

    @Override
    public String spec() {
      return "hotset:" + fraction + ":" + probability;
    }
  }

  /**
   * Zipf by rejection-inversion (Hörmann and Derflinger, "Rejection-inversion to generate variates
   * from monotone discrete distributions", 1996), as in Apache Commons RNG.
   *
   * <p>Why this algorithm: a table of the cumulative distribution costs 8 bytes a key and a binary
   * search a draw; YCSB's method (Gray et al.) needs the exponent below 1. Rejection-inversion
   * needs neither: it inverts the integral H of the continuous hat function h(x) = x^-S, which lies
   * above the probabilities of ranks 1..n when each rank k is given the interval [k-1/2, k+1/2].
   * A uniform u between H(1.5)-1 and H(n+1/2) maps to x = H^-1(u); k = round(x) is accepted when
   * u falls in the part of k's interval that the true mass h(k) covers, which is almost always
   * (the expected number of rounds is below 1.1 for every S). Each draw is O(1) with no tables.
   */
  record Zipf(int keys, double exponent, RankToKey ranks,
      double hIntegralX1, double hIntegralN, double squeeze) implements KeyDistribution {

    Zipf(int keys, double exponent, RankToKey ranks) {
      this(keys, exponent, ranks, hIntegral(1.5, exponent) - 1.0,
          hIntegral(keys + 0.5, exponent),
          2.0 - hIntegralInverse(hIntegral(2.5, exponent) - h(2.0, exponent), exponent));
    }

    @Override
    public int next(SplittableRandom random) {
      return ranks.key(rank(random) - 1);
    }

    /** Returns a rank in {@code [1, keys]}, rank r with probability proportional to r^-S. */
    int rank(SplittableRandom random) {
      while (true) {
        double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
        double x = hIntegralInverse(u, exponent);
        int k = (int) (x + 0.5);
        if (k < 1) {
          k = 1;
        } else if (k > keys) {
          k = keys;
        }
        if (k - x <= squeeze || u >= hIntegral(k + 0.5, exponent) - h(k, exponent)) {
          return k;
        }
      }
    }

    @Override
    public String spec() {
      return "zipf:" + exponent;
    }

    private static double h(double x, double exponent) {
      return Math.exp(-exponent * Math.log(x));
    }

    /** (x^(1-S) - 1) / (1-S), continuous through S = 1 where it is log x. */
    private static double hIntegral(double x, double exponent) {
      double logX = Math.log(x);
      return helper2((1.0 - exponent) * logX) * logX;
    }

    private static double hIntegralInverse(double x, double exponent) {
      double t = x * (1.0 - exponent);
      if (t < -1.0) {
        t = -1.0; // rounding may take t just below -1
      }
      return Math.exp(helper1(t) * x);
    }

    /** log(1+x)/x, accurate near 0. */
    private static double helper1(double x) {
      return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    /** (exp(x)-1)/x, accurate near 0. */
    private static double helper2(double x) {
      return Math.abs(x) > 1e-8
          ? Math.expm1(x) / x
          : 1.0 + x * 0.5 * (1.0 + x * (1.0 / 3.0) * (1.0 + 0.25 * x));
    }
  }

  /**
   * A seeded bijection from popularity rank to key index: {@code (rank * stride + offset) mod
   * keys} with the stride coprime to the key count.
   */
  record RankToKey(int keys, long stride, long offset) {
    RankToKey(int keys, long seed) {
      this(keys, coprimeStride(keys, seed), Math.floorMod(mix(seed ^ 0x5DEECE66DL), keys));
    }

    /** Returns the key of popularity rank {@code rank} (0 is the most popular). */
    int key(int rank) {
      return (int) ((rank * stride + offset) % keys);
    }

    private static long coprimeStride(int keys, long seed) {
      if (keys == 1) {
        return 1;
      }
      long stride = Math.floorMod(mix(seed), keys);
      while (gcd(stride, keys) != 1) {
        stride = (stride + 1) % keys;
      }
      return stride;
    }

    private static long gcd(long a, long b) {
      while (b != 0) {
        long t = a % b;
        a = b;
        b = t;
      }
      return a;
    }

    /** Stafford's variant 13 of the SplitMix64 finalizer. */
    static long mix(long z) {
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }
  }
}
