package io.tiercel.bench.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * One self-contained HTML page over a set of load results: a table of every run, then for each
 * group of runs with the same load shape (mode, clients, pipeline, rate, workload) a throughput bar
 * chart, a latency-by-percentile chart and a throughput timeline, all inline SVG.
 *
 * <p>The percentile chart follows HdrHistogram's plots: the x axis is log10(1 / (1 - p)), so 90 %,
 * 99 %, 99.9 % ... are equally spaced and the tail, where queueing shows, gets as much room as the
 * median; the y axis is log latency. Each run keeps its colour (by label) on every chart.
 */
final class HtmlReport {
  private static final List<String> SHAPE = List.of("mode", "clients", "pipeline", "rate", "ratio",
      "keys", "distribution", "value_size", "ttl_s");

  private HtmlReport() {}

  /** Returns the page for {@code results} under {@code title}. */
  static String render(String title, List<LoadResult> results, List<String> sources) {
    Map<String, String> colors = new LinkedHashMap<>();
    for (LoadResult r : results) {
      colors.computeIfAbsent(r.label(),
          l -> SvgChart.PALETTE[colors.size() % SvgChart.PALETTE.length]);
    }
    Map<String, List<LoadResult>> groups = new LinkedHashMap<>();
    for (LoadResult r : results) {
      groups.computeIfAbsent(shape(r), k -> new ArrayList<>()).add(r);
    }
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(Html.escape(title)).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em;max-width:1100px}\n")
        .append("table{border-collapse:collapse;font-size:13px}\n")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\n")
        .append("td:first-child,th:first-child{text-align:left}\n")
        .append(".err{color:#b00;font-weight:bold}\nsvg{display:block;margin:1em 0}\n")
        .append("</style></head><body>\n<h1>").append(Html.escape(title)).append("</h1>\n");
    html.append("<p>").append(results.size()).append(" runs of <code>bin/tiercel bench load</code>."
        + " Latencies in microseconds; in the open loop they run from each request's intended"
        + " send time (corrected for coordinated omission).</p>\n");
    summaryTable(html, results);
    for (Map.Entry<String, List<LoadResult>> group : groups.entrySet()) {
      List<LoadResult> runs = group.getValue();
      html.append("<h2>").append(Html.escape(group.getKey())).append("</h2>\n");
      html.append(SvgChart.bars("Throughput", "ops/s",
          runs.stream().map(LoadResult::label).toList(),
          runs.stream().map(r -> colors.get(r.label())).toList(),
          runs.stream().map(LoadResult::throughput).toList()));
      html.append(percentileChart(runs, colors));
      html.append(timelineChart(runs, colors));
    }
    html.append("<h2>Sources</h2>\n<ul>\n");
    for (String source : sources) {
      html.append("<li><code>").append(Html.escape(source)).append("</code></li>\n");
    }
    html.append("</ul>\n</body></html>\n");
    return html.toString();
  }

  /** Returns the group title of a run: its load shape without the target. */
  static String shape(LoadResult r) {
    Map<String, Object> s = r.settings();
    boolean open = "open".equals(s.get("mode"));
    return String.format(Locale.ROOT, "%s loop, %s clients, %s; get:set %s, %s keys %s, %s B",
        s.get("mode"), s.get("clients"),
        open ? String.format(Locale.ROOT, "%,.0f req/s, cap %s in flight",
            ((Number) s.get("rate")).doubleValue(), s.get("pipeline"))
            : "pipeline " + s.get("pipeline"),
        s.get("ratio"), s.get("keys"), s.get("distribution"), s.get("value_size"))
        + (((Number) s.getOrDefault("ttl_s", 0)).longValue() > 0 ? ", ttl " + s.get("ttl_s") + "s"
            : "");
  }

  private static void summaryTable(StringBuilder html, List<LoadResult> results) {
    html.append("<table>\n<tr><th>run</th><th>mode</th><th>clients</th><th>ops/s</th>"
        + "<th>p50</th><th>p90</th><th>p99</th><th>p99.9</th><th>max</th><th>hit ratio</th>"
        + "<th>errors</th></tr>\n");
    for (LoadResult r : results) {
      Map<String, Object> s = r.settings();
      html.append("<tr><td>").append(Html.escape(r.label())).append("</td><td>")
          .append(s.get("mode")).append("</td><td>").append(s.get("clients")).append("</td>");
      for (String metric : LoadResult.metricNames()) {
        html.append(String.format(Locale.ROOT, metric.equals("ops/s") ? "<td>%,.0f</td>"
            : "<td>%.1f</td>", r.metric(metric)));
      }
      double hr = r.hitRatio();
      html.append("<td>").append(Double.isNaN(hr) ? "" : String.format(Locale.ROOT, "%.3f", hr))
          .append("</td><td").append(r.errors() > 0 ? " class=\"err\">" : ">")
          .append(r.errors()).append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static String percentileChart(List<LoadResult> runs, Map<String, String> colors) {
    List<SvgChart.Series> series = new ArrayList<>();
    for (LoadResult r : runs) {
      series.add(new SvgChart.Series(r.label(), colors.get(r.label()),
          percentileCurve(r.allLatency())));
    }
    List<SvgChart.Tick> ticks = new ArrayList<>();
    String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
    for (int i = 0; i < labels.length; i++) {
      ticks.add(new SvgChart.Tick(i, labels[i]));
    }
    return SvgChart.lines("Latency by percentile", "percentile", "latency (us)", series, ticks,
        true);
  }

  /**
   * Returns (log10(1/(1-p)), latency in microseconds) at percentiles spaced evenly on that axis
   * from 0 to 99.999, stopping at the last recorded value.
   */
  static List<double[]> percentileCurve(Histogram h) {
    List<double[]> points = new ArrayList<>();
    if (h.getTotalCount() == 0) {
      return points;
    }
    for (int i = 0; i <= 50; i++) {
      double x = i / 10.0;
      double p = 100 * (1 - Math.pow(10, -x));
      if (i > 0 && h.getTotalCount() * Math.pow(10, -x) < 0.999) {
        break; // beyond the resolution of this many samples
      }
      points.add(new double[] {x, LoadResult.micros(h.getValueAtPercentile(p))});
    }
    return points;
  }

  private static String timelineChart(List<LoadResult> runs, Map<String, String> colors) {
    List<SvgChart.Series> series = new ArrayList<>();
    double last = 0;
    for (LoadResult r : runs) {
      List<double[]> points = new ArrayList<>();
      for (LoadResult.TimelinePoint p : r.timeline()) {
        points.add(new double[] {p.second(), p.opsPerSecond()});
        last = Math.max(last, p.second());
      }
      series.add(new SvgChart.Series(r.label(), colors.get(r.label()), points));
    }
    List<SvgChart.Tick> ticks = new ArrayList<>();
    double step = SvgChart.niceStep(Math.max(1, last) / 8);
    for (double t = 0; t <= last + step / 2; t += step) {
      ticks.add(new SvgChart.Tick(t, SvgChart.number(t) + "s"));
    }
    return SvgChart.lines("Throughput over time", "seconds into the measurement", "ops/s",
        series, ticks, false);
  }
}
