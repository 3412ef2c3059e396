package io.tiercel.bench.load;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results as one Markdown table for the docs: a row per run, grouped by load shape, with each
 * run's throughput also given relative to the first run of its group.
 */
final class MarkdownTable {
  private MarkdownTable() {}

  /** Returns the table of {@code results}; latencies in microseconds. */
  static String format(List<LoadResult> results) {
    StringBuilder md = new StringBuilder();
    md.append("| loop | clients | system | ops/s | vs first | p50 µs | p90 µs | p99 µs | p99.9 µs"
        + " | max µs | hit ratio | errors |\n");
    md.append("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    Map<String, Double> first = new LinkedHashMap<>();
    for (LoadResult r : results) {
      Map<String, Object> s = r.settings();
      String shape = HtmlReport.shape(r);
      double base = first.computeIfAbsent(shape, k -> r.throughput());
      String loop = "open".equals(s.get("mode"))
          ? String.format(Locale.ROOT, "open, %s/s", SvgChart.number(
              ((Number) s.get("rate")).doubleValue()))
          : "closed, pipeline " + s.get("pipeline");
      md.append(String.format(Locale.ROOT,
          "| %s | %s | %s | %,.0f | %.2f× | %.0f | %.0f | %.0f | %.0f | %.0f | %s | %d |%n",
          loop, s.get("clients"), r.label(), r.throughput(), Medians.ratio(base, r.throughput()),
          r.metric("p50"), r.metric("p90"), r.metric("p99"), r.metric("p99.9"), r.metric("max"),
          Double.isNaN(r.hitRatio()) ? "" : String.format(Locale.ROOT, "%.3f", r.hitRatio()),
          r.errors()));
    }
    return md.toString();
  }
}
