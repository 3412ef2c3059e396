package io.tiercel.core.eviction;

import java.util.Arrays;
import java.util.Random;

/** Draws ranks 0..n-1 with probability proportional to 1 / (rank + 1)^skew. */
final class Zipf {
  private final double[] cdf;
  private final Random random;

  Zipf(int n, double skew, Random random) {
    this.random = random;
    this.cdf = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1 / Math.pow(i + 1, skew);
      cdf[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      cdf[i] /= sum;
    }
  }

  int next() {
    int i = Arrays.binarySearch(cdf, random.nextDouble());
    return Math.min((i >= 0) ? i : -i - 1, cdf.length - 1);
  }
}
