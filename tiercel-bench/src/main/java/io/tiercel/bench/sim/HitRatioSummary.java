package io.tiercel.bench.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Averages rows per policy and checks them against the store's hit-ratio targets (issue 2):
 * W-TinyLFU within 1 point of Caffeine at every trace and size, above ARC on average, and ARC
 * at or above LRU on average. A check whose policies were not run is skipped, never passed.
 */
public final class HitRatioSummary {
  /** How far below Caffeine W-TinyLFU may fall at any one trace and size: one point. */
  static final double CAFFEINE_TOLERANCE = 0.01;

  private final List<HitRatioRow> rows;
  private final List<String> policies;

  /** Summarizes {@code rows}, listing policies in the order of {@code policies}. */
  public HitRatioSummary(List<HitRatioRow> rows, List<String> policies) {
    this.rows = List.copyOf(rows);
    this.policies = List.copyOf(policies);
  }

  /** Returns the mean hit ratio of {@code policy} over the trace+size points where all ran. */
  public double average(String policy) {
    double sum = 0;
    int count = 0;
    for (Map<String, HitRatioRow> point : completePoints().values()) {
      sum += point.get(policy).hitRatio();
      count++;
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  /** Returns the points where W-TinyLFU is more than one point below Caffeine. */
  public List<String> caffeineFailures() {
    return caffeineFailures("caffeine");
  }

  /** Returns the points where W-TinyLFU is more than one point below {@code reference}. */
  public List<String> caffeineFailures(String reference) {
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Map<String, HitRatioRow>> e : completePoints().entrySet()) {
      Map<String, HitRatioRow> point = e.getValue();
      HitRatioRow tinylfu = point.get("tinylfu");
      HitRatioRow caffeine = point.get(reference);
      if (tinylfu != null && caffeine != null
          && tinylfu.hitRatio() < caffeine.hitRatio() - CAFFEINE_TOLERANCE) {
        failures.add(e.getKey());
      }
    }
    return failures;
  }

  /** Returns whether every check that could be made passed. */
  public boolean passed() {
    boolean ok = true;
    if (has("tinylfu") && has("caffeine")) {
      ok &= caffeineFailures().isEmpty();
    }
    if (has("tinylfu") && has("arc")) {
      ok &= average("tinylfu") > average("arc");
    }
    if (has("arc") && has("lru")) {
      ok &= average("arc") >= average("lru");
    }
    return ok;
  }

  /** Prints the averages, the per-trace means and the checks, each line after {@code prefix}. */
  public void print(PrintStream out, String prefix) {
    Map<String, Map<String, HitRatioRow>> points = completePoints();
    out.println(prefix + "summary: " + points.size() + " trace+size points, "
        + traces().size() + " traces, policies " + String.join(",", policies));
    out.println(prefix);
    out.println(prefix + "mean hit ratio per trace (over its sizes):");
    int width = Math.max(5, traces().stream().mapToInt(String::length).max().orElse(5));
    StringBuilder header = new StringBuilder(pad("trace", width));
    for (String p : policies) {
      header.append(String.format(Locale.ROOT, " %9s", p));
    }
    out.println(prefix + header);
    for (String trace : traces()) {
      StringBuilder line = new StringBuilder(pad(trace, width));
      for (String p : policies) {
        line.append(String.format(Locale.ROOT, " %9.4f", traceAverage(trace, p)));
      }
      out.println(prefix + line);
    }
    StringBuilder all = new StringBuilder(pad("ALL", width));
    for (String p : policies) {
      all.append(String.format(Locale.ROOT, " %9.4f", average(p)));
    }
    out.println(prefix + all);
    out.println(prefix);
    out.println(prefix + "targets:");
    for (String reference : List.of("caffeine", "caffeine-kh")) {
      if (has("tinylfu") && has(reference)) {
        printVersusCaffeine(out, prefix, points, reference);
      } else {
        out.println(prefix + "[SKIP] tinylfu vs " + reference + ": both policies must be run");
      }
    }
    if (has("tinylfu") && has("arc")) {
      double t = average("tinylfu");
      double a = average("arc");
      out.println(prefix + mark(t > a) + String.format(Locale.ROOT,
          " tinylfu above arc on average: %.4f vs %.4f (%+.2f points)", t, a, 100 * (t - a)));
    } else {
      out.println(prefix + "[SKIP] tinylfu vs arc: both policies must be run");
    }
    if (has("arc") && has("lru")) {
      double a = average("arc");
      double l = average("lru");
      out.println(prefix + mark(a >= l) + String.format(Locale.ROOT,
          " arc at or above lru on average: %.4f vs %.4f (%+.2f points)", a, l, 100 * (a - l)));
    } else {
      out.println(prefix + "[SKIP] arc vs lru: both policies must be run");
    }
    if (has("opt")) {
      List<String> above = new ArrayList<>();
      for (Map.Entry<String, Map<String, HitRatioRow>> e : points.entrySet()) {
        double opt = e.getValue().get("opt").hitRatio();
        for (HitRatioRow row : e.getValue().values()) {
          if (row.hitRatio() > opt + 1e-12) {
            above.add(e.getKey() + " " + row.policy());
          }
        }
      }
      out.println(prefix + mark(above.isEmpty()) + " no policy above opt (sanity)"
          + (above.isEmpty() ? "" : ": " + above));
    }
  }

  private void printVersusCaffeine(
      PrintStream out, String prefix, Map<String, Map<String, HitRatioRow>> points,
      String reference) {
    List<String> failures = caffeineFailures(reference);
    out.println(prefix + mark(failures.isEmpty()) + " tinylfu within 1 point of " + reference
        + " on every trace+size (" + failures.size() + " of " + points.size() + " below; worst "
        + worstVersus(reference) + ")");
    for (String key : failures) {
      Map<String, HitRatioRow> point = points.get(key);
      double t = point.get("tinylfu").hitRatio();
      double c = point.get(reference).hitRatio();
      out.println(prefix + String.format(Locale.ROOT,
          "         %s: tinylfu %.4f, %s %.4f (%+.2f points)", key, t, reference, c,
          100 * (t - c)));
    }
  }

  private String worstVersus(String reference) {
    String worst = "none";
    double worstDiff = Double.POSITIVE_INFINITY;
    for (Map.Entry<String, Map<String, HitRatioRow>> e : completePoints().entrySet()) {
      Map<String, HitRatioRow> point = e.getValue();
      double diff = point.get("tinylfu").hitRatio() - point.get(reference).hitRatio();
      if (diff < worstDiff) {
        worstDiff = diff;
        worst = String.format(Locale.ROOT, "%s %+.2f points", e.getKey(), 100 * diff);
      }
    }
    return worst;
  }

  private double traceAverage(String trace, String policy) {
    double sum = 0;
    int count = 0;
    for (HitRatioRow row : rows) {
      if (row.trace().equals(trace) && row.policy().equals(policy)) {
        sum += row.hitRatio();
        count++;
      }
    }
    return count == 0 ? Double.NaN : sum / count;
  }

  private boolean has(String policy) {
    return policies.contains(policy);
  }

  private Set<String> traces() {
    Set<String> traces = new LinkedHashSet<>();
    for (HitRatioRow row : rows) {
      traces.add(row.trace());
    }
    return traces;
  }

  /** Returns, per "trace size" point where every policy has a row, the rows by policy. */
  private Map<String, Map<String, HitRatioRow>> completePoints() {
    Map<String, Map<String, HitRatioRow>> points = new LinkedHashMap<>();
    for (HitRatioRow row : rows) {
      points.computeIfAbsent(row.trace() + " " + row.size(), k -> new LinkedHashMap<>())
          .put(row.policy(), row);
    }
    points.values().removeIf(point -> !point.keySet().containsAll(policies));
    return points;
  }

  private static String mark(boolean ok) {
    return ok ? "[PASS]" : "[FAIL]";
  }

  private static String pad(String text, int width) {
    return String.format(Locale.ROOT, "%-" + width + "s", text);
  }
}
