package io.tiercel.bench.load;

import java.util.Arrays;
import java.util.List;

/** The median of a few rounds, and the ratio of two medians. */
final class Medians {
  private Medians() {}

  /** Returns the median of {@code values} (the mean of the middle two for an even count). */
  static double median(List<Double> values) {
    if (values.isEmpty()) {
      throw new IllegalArgumentException("median of no values");
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Returns {@code b / a}, or NaN when {@code a} is 0. */
  static double ratio(double a, double b) {
    return a == 0 ? Double.NaN : b / a;
  }
}
