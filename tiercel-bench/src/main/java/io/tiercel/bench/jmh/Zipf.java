package io.tiercel.bench.jmh;

import java.util.SplittableRandom;

/**
 * Draws item numbers in [0, items) with Zipf-distributed popularity (exponent 0.99, as YCSB's
 * zipfian constant), the hottest items scattered over the range rather than clustered at 0.
 */
public final class Zipf {
  private Zipf() {}

  /** Returns {@code count} draws over {@code items} items, reproducibly from {@code seed}. */
  public static int[] draw(int items, int count, long seed) {
    double[] cdf = new double[items];
    double sum = 0;
    for (int rank = 0; rank < items; rank++) {
      sum += 1.0 / Math.pow(rank + 1, 0.99);
      cdf[rank] = sum;
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] itemOfRank = new int[items];
    for (int i = 0; i < items; i++) {
      itemOfRank[i] = i;
    }
    for (int i = items - 1; i > 0; i--) { // Fisher-Yates: rank -> item
      int j = random.nextInt(i + 1);
      int t = itemOfRank[i];
      itemOfRank[i] = itemOfRank[j];
      itemOfRank[j] = t;
    }
    int[] draws = new int[count];
    for (int i = 0; i < count; i++) {
      double u = random.nextDouble() * sum;
      int lo = 0;
      int hi = items - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      draws[i] = itemOfRank[lo];
    }
    return draws;
  }
}
