package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the Prometheus text format (0.0.4) strictly enough to catch a malformed exposition:
 * every sample line must be {@code name{labels} value}, and every sample's family must have
 * been declared by a {@code # TYPE} line before it.
 */
final class Prometheus {
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");
  private static final Pattern TYPE = Pattern.compile(
      "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");

  final Map<String, Double> samples = new HashMap<>();
  final Set<String> families = new HashSet<>();

  /** Fetches and parses {@code f}'s {@code /metrics} over HTTP, which must answer 200. */
  static Prometheus scrape(HttpClient http, ServerFixture f) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + f.server.httpPort() + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return parse(r.body());
  }

  static Prometheus parse(String text) {
    Prometheus p = new Prometheus();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("# HELP ")) {
        continue;
      }
      Matcher t = TYPE.matcher(line);
      if (t.matches()) {
        p.families.add(t.group(1));
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a Prometheus sample line: " + line);
      }
      String name = m.group(1);
      if (!p.families.contains(name) && !p.families.contains(family(name))) {
        throw new AssertionError("sample before its # TYPE line: " + line);
      }
      p.samples.put(name + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(
          m.group(3).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
    }
    return p;
  }

  private static String family(String name) {
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_total", "_created"}) {
      if (name.endsWith(suffix)) {
        return name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }

  /** Returns the sample's value, or 0 when absent (a counter not yet incremented). */
  double value(String series) {
    return samples.getOrDefault(series, 0.0);
  }

  boolean has(String series) {
    return samples.containsKey(series);
  }

  /** Returns whether any sample's name starts with {@code prefix}. */
  boolean hasFamily(String prefix) {
    return samples.keySet().stream().anyMatch(s -> s.startsWith(prefix));
  }
}
