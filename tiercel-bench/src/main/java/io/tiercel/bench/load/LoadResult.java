package io.tiercel.bench.load;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * What one load run measured: a latency histogram (nanoseconds) per successful outcome (hit, miss,
 * stored) whose counts are the success counts, the count of every error kind, the measured time, a per-second timeline, and the settings that produced them. It is
 * written to and read back from JSON with the histograms in HdrHistogram's compressed encoding, so
 * a report or a comparison can recompute any percentile.
 */
public final class LoadResult {
  /** The percentiles of every summary, as labels for tables and JSON keys. */
  public static final double[] PERCENTILES = {50, 90, 99, 99.9};

  private final Map<String, Object> settings;
  private final Map<Outcome, Histogram> latency;
  private final Map<Outcome, Long> errors;
  private final Map<Outcome, String> messages;
  private final double seconds;
  private final List<TimelinePoint> timeline;

  /** One second of the measurement: completed requests and their 99th percentile. */
  public record TimelinePoint(double second, double opsPerSecond, double p99Micros) {}

  LoadResult(Map<String, Object> settings, Map<Outcome, Histogram> latency,
      Map<Outcome, Long> errors, Map<Outcome, String> messages, double seconds,
      List<TimelinePoint> timeline) {
    this.settings = settings;
    this.latency = latency;
    this.errors = errors;
    this.messages = messages;
    this.seconds = seconds;
    this.timeline = timeline;
  }

  /** Returns the settings of the run as written to JSON (label, target, mode, workload ...). */
  public Map<String, Object> settings() {
    return settings;
  }

  /** Returns the run's label. */
  public String label() {
    return String.valueOf(settings.get("label"));
  }

  /** Returns the measured time in seconds. */
  public double seconds() {
    return seconds;
  }

  /** Returns the latency histogram (nanoseconds) of the successful requests of {@code kind}. */
  public Histogram latency(OpKind kind) {
    Histogram h = new Histogram(3);
    if (kind == OpKind.GET) {
      h.add(latency.get(Outcome.HIT));
      h.add(latency.get(Outcome.MISS));
    } else {
      h.add(latency.get(Outcome.STORED));
    }
    return h;
  }

  /** Returns the latencies of every kind merged. */
  public Histogram allLatency() {
    Histogram all = new Histogram(3);
    for (Histogram h : latency.values()) {
      all.add(h);
    }
    return all;
  }

  /** Returns how many requests ended with {@code outcome}. */
  public long count(Outcome outcome) {
    return outcome.isError()
        ? errors.getOrDefault(outcome, 0L)
        : latency.get(outcome).getTotalCount();
  }

  /** Returns the first message of error {@code outcome}, or null. */
  public String message(Outcome outcome) {
    return messages.get(outcome);
  }

  /** Returns the requests that succeeded. */
  public long successes() {
    return count(Outcome.HIT) + count(Outcome.MISS) + count(Outcome.STORED);
  }

  /** Returns the requests that failed, of every kind. */
  public long errors() {
    long errors = 0;
    for (Outcome o : Outcome.values()) {
      if (o.isError()) {
        errors += count(o);
      }
    }
    return errors;
  }

  /** Returns successful requests per second. */
  public double throughput() {
    return seconds > 0 ? successes() / seconds : 0;
  }

  /** Returns GET hits over GET hits and misses, or NaN without GETs. */
  public double hitRatio() {
    long gets = count(Outcome.HIT) + count(Outcome.MISS);
    return gets == 0 ? Double.NaN : (double) count(Outcome.HIT) / gets;
  }

  /** Returns the per-second timeline of the measurement. */
  public List<TimelinePoint> timeline() {
    return timeline;
  }

  /**
   * Returns the named metric: {@code ops/s}, {@code p50}, {@code p90}, {@code p99}, {@code p99.9},
   * {@code max} (microseconds, all requests) or {@code errors}.
   */
  public double metric(String name) {
    Histogram all = allLatency();
    return switch (name) {
      case "ops/s" -> throughput();
      case "max" -> micros(all.getMaxValue());
      case "errors" -> errors();
      default -> {
        if (!name.startsWith("p")) {
          throw new IllegalArgumentException("unknown metric: " + name);
        }
        yield micros(all.getValueAtPercentile(Double.parseDouble(name.substring(1))));
      }
    };
  }

  /** The metrics compared and tabulated, in order; latencies are in microseconds. */
  public static List<String> metricNames() {
    return List.of("ops/s", "p50", "p90", "p99", "p99.9", "max");
  }

  /** Returns {@code nanos} in microseconds. */
  public static double micros(long nanos) {
    return nanos / 1000.0;
  }

  /** Returns this result as a JSON tree ({@link Json#write} turns it into text). */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", "tiercel-bench-load/1");
    json.put("settings", settings);
    json.put("seconds", seconds);
    json.put("ops", successes());
    json.put("ops_per_second", throughput());
    json.put("hit_ratio", Double.isNaN(hitRatio()) ? null : hitRatio());
    Map<String, Object> lat = new LinkedHashMap<>();
    lat.put("all", summary(allLatency()));
    for (OpKind kind : OpKind.values()) {
      lat.put(kind.label(), summary(latency(kind)));
    }
    json.put("latency_us", lat);
    Map<String, Object> hdr = new LinkedHashMap<>();
    for (Outcome o : Outcome.SUCCESSES) {
      hdr.put(o.label(), encode(latency.get(o)));
    }
    json.put("histograms", hdr);
    Map<String, Object> counts = new LinkedHashMap<>();
    Map<String, Object> errors = new LinkedHashMap<>();
    for (Outcome o : Outcome.values()) {
      (o.isError() ? errors : counts).put(o.label(), count(o));
    }
    json.put("outcomes", counts);
    json.put("errors", errors);
    Map<String, Object> errorMessages = new LinkedHashMap<>();
    messages.forEach((o, m) -> errorMessages.put(o.label(), m));
    json.put("error_messages", errorMessages);
    List<Object> points = new ArrayList<>();
    for (TimelinePoint p : timeline) {
      points.add(List.of(p.second(), p.opsPerSecond(), p.p99Micros()));
    }
    json.put("timeline", Map.of("columns", List.of("second", "ops_per_second", "p99_us"),
        "rows", points));
    return json;
  }

  private static Map<String, Object> summary(Histogram h) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("count", h.getTotalCount());
    s.put("mean", h.getTotalCount() == 0 ? 0.0 : round(h.getMean() / 1000.0));
    for (double p : PERCENTILES) {
      s.put(percentileKey(p), micros(h.getValueAtPercentile(p)));
    }
    s.put("max", micros(h.getMaxValue()));
    return s;
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }

  /** Returns the JSON key of percentile {@code p}, e.g. {@code p99.9}. */
  static String percentileKey(double p) {
    return p == Math.rint(p) ? "p" + (long) p : "p" + p;
  }

  static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
  }

  static Histogram decode(String base64) {
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
      Histogram resizable = new Histogram(3);
      resizable.add(h);
      return resizable;
    } catch (DataFormatException | IllegalArgumentException e) {
      throw new IllegalArgumentException("a latency histogram that does not decode: " + e, e);
    }
  }

  /** Reads a result written by {@link #toJson}; a file of another shape is an error. */
  @SuppressWarnings("unchecked")
  public static LoadResult fromJson(Object tree) {
    if (!(tree instanceof Map<?, ?> map) || !"tiercel-bench-load/1".equals(map.get("format"))) {
      throw new IllegalArgumentException("not a bench load result (no format tiercel-bench-load/1)");
    }
    Map<String, Object> json = (Map<String, Object>) map;
    Map<String, Object> hdr = (Map<String, Object>) json.get("histograms");
    Map<Outcome, Histogram> latency = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.SUCCESSES) {
      latency.put(o, decode((String) hdr.get(o.label())));
    }
    Map<Outcome, Long> errors = new EnumMap<>(Outcome.class);
    Map<String, Object> counts = (Map<String, Object>) json.get("errors");
    for (Outcome o : Outcome.values()) {
      if (o.isError() && counts.get(o.label()) instanceof Number n) {
        errors.put(o, n.longValue());
      }
    }
    Map<Outcome, String> messages = new EnumMap<>(Outcome.class);
    Object m = json.get("error_messages");
    if (m instanceof Map<?, ?> mm) {
      for (Outcome o : Outcome.values()) {
        if (mm.get(o.label()) instanceof String s) {
          messages.put(o, s);
        }
      }
    }
    List<TimelinePoint> timeline = new ArrayList<>();
    Object t = json.get("timeline");
    if (t instanceof Map<?, ?> tm && tm.get("rows") instanceof List<?> rows) {
      for (Object row : rows) {
        List<Object> r = (List<Object>) row;
        timeline.add(new TimelinePoint(((Number) r.get(0)).doubleValue(),
            ((Number) r.get(1)).doubleValue(), ((Number) r.get(2)).doubleValue()));
      }
    }
    return new LoadResult((Map<String, Object>) json.get("settings"), latency, errors, messages,
        ((Number) json.get("seconds")).doubleValue(), timeline);
  }
}
