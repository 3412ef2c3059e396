package io.tiercel.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP requests by route and status class, their latency, and open HTTP connections. Counters
 * are resolved once per (route, status class) at start, so recording is two array reads.
 */
public final class HttpMetrics {
  private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final Counter[] requests;
  private final Timer latency;
  private final AtomicInteger open = new AtomicInteger();

  /** Registers the meters of {@code routes} (indexed as given) in {@code registry}. */
  public HttpMetrics(MeterRegistry registry, List<String> routes) {
    requests = new Counter[routes.size() * CLASSES.length];
    for (int r = 0; r < routes.size(); r++) {
      for (int c = 0; c < CLASSES.length; c++) {
        requests[r * CLASSES.length + c] = Counter.builder("tiercel.http.requests")
            .description("HTTP requests answered, by route and status class")
            .tag("route", routes.get(r))
            .tag("status", CLASSES[c])
            .register(registry);
      }
    }
    latency = Timer.builder("tiercel.http.request.duration")
        .description("Time from a whole HTTP request to its response being written")
        .serviceLevelObjectives(CommandMetrics.BUCKETS)
        .register(registry);
    Gauge.builder("tiercel.http.connections", open, AtomicInteger::get)
        .description("Open HTTP connections")
        .register(registry);
  }

  /** Records one answered request. */
  public void record(int route, int status, long nanos) {
    int c = Math.min(Math.max(status / 100 - 1, 0), CLASSES.length - 1);
    requests[route * CLASSES.length + c].increment();
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts a connection opened. */
  public void connectionOpened() {
    open.incrementAndGet();
  }

  /** Counts a connection closed. */
  public void connectionClosed() {
    open.decrementAndGet();
  }
}
