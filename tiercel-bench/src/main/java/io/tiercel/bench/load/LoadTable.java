package io.tiercel.bench.load;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Formats a {@link LoadResult} as the human table {@code bench load} prints. */
final class LoadTable {
  private LoadTable() {}

  /** Returns the table: settings, one latency row per request kind and all, outcomes, errors. */
  static String format(LoadResult r) {
    Map<String, Object> s = r.settings();
    StringBuilder out = new StringBuilder();
    boolean open = "open".equals(s.get("mode"));
    out.append(String.format(Locale.ROOT, "%s  %s%n", s.get("label"), s.get("target")));
    out.append(String.format(Locale.ROOT, "load      %s loop, %s clients, %s, %s thread(s)%n",
        s.get("mode"), s.get("clients"),
        open ? String.format(Locale.ROOT, "%,.0f req/s offered, at most %s in flight a client",
            ((Number) s.get("rate")).doubleValue(), s.get("pipeline"))
            : "pipeline " + s.get("pipeline"),
        s.get("threads")));
    out.append(String.format(Locale.ROOT,
        "workload  get:set %s, %s keys %s, values %s B, ttl %s, seed %s%s%n", s.get("ratio"),
        s.get("keys"), s.get("distribution"), s.get("value_size"),
        ((Number) s.get("ttl_s")).longValue() == 0 ? "none" : s.get("ttl_s") + "s", s.get("seed"),
        Boolean.TRUE.equals(s.get("fill")) ? ", keys filled first" : ""));
    out.append(String.format(Locale.ROOT, "measured  %.2f s after %s s of warm-up%s%n%n",
        r.seconds(), s.get("warmup_s"), open ? "; latency from the intended send time" : ""));
    out.append(String.format(Locale.ROOT, "%-4s %12s %12s %10s %10s %10s %10s %10s%n", "op",
        "count", "ops/s", "p50 us", "p90 us", "p99 us", "p99.9 us", "max us"));
    for (OpKind kind : OpKind.values()) {
      out.append(row(kind.label(), r.latency(kind), r.seconds()));
    }
    out.append(row("all", r.allLatency(), r.seconds()));
    out.append('\n');
    double hitRatio = r.hitRatio();
    out.append(String.format(Locale.ROOT, "hits %d, misses %d%s, stored %d%n",
        r.count(Outcome.HIT), r.count(Outcome.MISS),
        Double.isNaN(hitRatio) ? "" : String.format(Locale.ROOT, " (hit ratio %.3f)", hitRatio),
        r.count(Outcome.STORED)));
    if (r.errors() == 0) {
      out.append("errors: none\n");
    } else {
      out.append("errors: ").append(r.errors()).append('\n');
      for (Outcome o : Outcome.values()) {
        if (o.isError() && r.count(o) > 0) {
          String message = r.message(o);
          out.append(String.format(Locale.ROOT, "  %-16s %10d  %s%n", o.label(), r.count(o),
              message == null ? "" : "first: " + message));
        }
      }
    }
    return out.toString();
  }

  private static String row(String name, Histogram h, double seconds) {
    return String.format(Locale.ROOT, "%-4s %12d %12.0f %10.1f %10.1f %10.1f %10.1f %10.1f%n",
        name, h.getTotalCount(), h.getTotalCount() / seconds,
        LoadResult.micros(h.getValueAtPercentile(50)),
        LoadResult.micros(h.getValueAtPercentile(90)),
        LoadResult.micros(h.getValueAtPercentile(99)),
        LoadResult.micros(h.getValueAtPercentile(99.9)), LoadResult.micros(h.getMaxValue()));
  }
}
