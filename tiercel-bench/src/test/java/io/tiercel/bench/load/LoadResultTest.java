package io.tiercel.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LoadResultTest {

  @Test
  void percentilesOfKnownLatenciesAreWithinTheHistogramsPrecision() {
    LoadResult r = result(2.0, 1000, 0);
    // GETs (hits) took 1..1000 us, SETs took 2000 us, 100 of them.
    assertThat(r.latency(OpKind.GET).getTotalCount()).isEqualTo(1000);
    assertThat(LoadResult.micros(r.latency(OpKind.GET).getValueAtPercentile(50)))
        .isCloseTo(500, within(0.5));
    assertThat(LoadResult.micros(r.latency(OpKind.GET).getValueAtPercentile(99)))
        .isCloseTo(990, within(1.0));
    assertThat(r.metric("max")).isCloseTo(2000, within(2.0));
    // all = 1100 samples; p90 is the 990th: 990 us; p99 falls among the 2000 us SETs.
    assertThat(r.metric("p90")).isCloseTo(990, within(1.0));
    assertThat(r.metric("p99")).isCloseTo(2000, within(2.0));
    assertThat(r.metric("ops/s")).isCloseTo(1100 / 2.0, within(1e-9));
    assertThat(r.hitRatio()).isEqualTo(1.0);
  }

  @Test
  void jsonRoundTripKeepsHistogramsCountsAndMetrics() {
    LoadResult r = result(1.5, 300, 7);
    LoadResult back = LoadResult.fromJson(Json.parse(Json.write(r.toJson())));
    for (String metric : LoadResult.metricNames()) {
      assertThat(back.metric(metric)).as(metric).isEqualTo(r.metric(metric));
    }
    assertThat(back.count(Outcome.WRONG_VALUE)).isEqualTo(7);
    assertThat(back.errors()).isEqualTo(7);
    assertThat(back.message(Outcome.WRONG_VALUE)).isEqualTo("get key:1: \"quoted\"\n");
    assertThat(back.latency(OpKind.SET).getTotalCount()).isEqualTo(100);
    assertThat(back.timeline()).isEqualTo(r.timeline());
    assertThat(back.label()).isEqualTo("run");
  }

  @Test
  void aFileOfAnotherShapeIsRejected() {
    assertThatThrownBy(() -> LoadResult.fromJson(Json.parse("{\"format\": \"x\"}")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a bench load");
    assertThatThrownBy(() -> Json.parse("{\"a\": [1, 2}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
  }

  @Test
  void medianOfRoundsAndRatio() {
    assertThat(Medians.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
    assertThat(Medians.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    assertThat(Medians.ratio(2.0, 3.0)).isEqualTo(1.5);
    assertThat(Medians.ratio(0.0, 3.0)).isNaN();
  }

  @Test
  void compareTablePrintsMediansAndRatios() {
    String table = CompareCommand.table("tiercel", "redis",
        List.of(result(1.0, 100, 0), result(1.0, 300, 0), result(1.0, 200, 0)),
        List.of(result(1.0, 400, 0), result(1.0, 400, 0), result(1.0, 400, 0)));
    // A: ops/s 200, 400, 300 (hits + 100 sets) -> median 300; B: 500 -> ratio 1.667
    assertThat(table).containsPattern("ops/s\\s+300\\.0\\s+500\\.0\\s+1\\.667");
    assertThat(table).contains("A = tiercel").contains("B = redis");
  }

  @Test
  void percentileCurveSpansTheRecordedTailOnly() {
    Histogram h = new Histogram(3);
    for (int i = 1; i <= 1000; i++) {
      h.recordValue(i * 1000L);
    }
    List<double[]> curve = HtmlReport.percentileCurve(h);
    assertThat(curve.getFirst()[0]).isZero();
    assertThat(curve.getLast()[0]).isCloseTo(3.0, within(1e-9)); // 99.9 %: one sample of 1000 beyond it
    for (int i = 1; i < curve.size(); i++) {
      assertThat(curve.get(i)[1]).isGreaterThanOrEqualTo(curve.get(i - 1)[1]);
    }
  }

  @Test
  void reportIsOneSelfContainedPage() {
    String html = HtmlReport.render("t <1>", List.of(result(1.0, 100, 0), result(1.0, 200, 3)),
        List.of("a.json", "b.json"));
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("t &lt;1&gt;")
        .doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
  }

  /** GETs of 1..gets us (hits), 100 SETs of 2000 us, {@code wrong} wrong values. */
  private static LoadResult result(double seconds, int gets, long wrong) {
    Map<Outcome, Histogram> latency = new EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.SUCCESSES) {
      latency.put(o, new Histogram(3));
    }
    for (int i = 1; i <= gets; i++) {
      latency.get(Outcome.HIT).recordValue(i * 1000L);
    }
    latency.get(Outcome.STORED).recordValueWithCount(2_000_000L, 100);
    Map<Outcome, Long> errors = new EnumMap<>(Outcome.class);
    errors.put(Outcome.WRONG_VALUE, wrong);
    Map<Outcome, String> messages = new EnumMap<>(Outcome.class);
    if (wrong > 0) {
      messages.put(Outcome.WRONG_VALUE, "get key:1: \"quoted\"\n");
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("label", "run");
    settings.put("mode", "closed");
    settings.put("clients", 1);
    settings.put("pipeline", 1);
    settings.put("rate", 0.0);
    settings.put("ratio", "9:1");
    settings.put("keys", 10);
    settings.put("distribution", "uniform");
    settings.put("value_size", "100");
    settings.put("ttl_s", 0);
    return new LoadResult(settings, latency, errors, messages, seconds,
        List.of(new LoadResult.TimelinePoint(1.0, 100.0, 5.5)));
  }
}
