package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.CacheConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics parsed as Prometheus text; the values move as commands run. */
class PrometheusMetricsTest {
  @TempDir Path dir;

  @Test
  void commandCountersMoveByCommandAndResult() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        RawClient c = RawClient.tcp(f.port())) {
      Prometheus before = Prometheus.scrape(http, f);
      assertThat(before.value("tiercel_clients_connected")).isEqualTo(1.0);
      c.command("SET", "k", "v");
      c.readLine();
      c.command("GET", "k");
      c.readLine();
      c.readLine();
      c.command("GET", "k");
      c.readLine();
      c.readLine();
      c.command("GET", "missing");
      c.readLine();
      c.command("INCR", "k");
      c.readLine();
      c.command("NOSUCH");
      c.readLine();
      Prometheus after = Prometheus.scrape(http, f);
      assertThat(after.value("tiercel_commands_total{command=\"set\",result=\"ok\"}"))
          .isEqualTo(1.0);
      assertThat(after.value("tiercel_commands_total{command=\"get\",result=\"hit\"}"))
          .isEqualTo(2.0);
      assertThat(after.value("tiercel_commands_total{command=\"get\",result=\"miss\"}"))
          .isEqualTo(1.0);
      assertThat(after.value("tiercel_commands_total{command=\"incr\",result=\"error\"}"))
          .isEqualTo(1.0);
      assertThat(after.value("tiercel_commands_total{command=\"unknown\",result=\"error\"}"))
          .isEqualTo(1.0);
      assertThat(after.value("tiercel_command_duration_seconds_count{kind=\"read\"}")
          - before.value("tiercel_command_duration_seconds_count{kind=\"read\"}"))
          .isEqualTo(3.0);
      assertThat(after.value("tiercel_command_duration_seconds_count{kind=\"write\"}")
          - before.value("tiercel_command_duration_seconds_count{kind=\"write\"}"))
          .isEqualTo(2.0);
      assertThat(after.has("tiercel_command_duration_seconds_bucket{kind=\"read\",le=\"1.0E-5\"}")
          || after.hasFamily("tiercel_command_duration_seconds_bucket{kind=\"read\",le=\"1"))
          .isTrue();
      assertThat(after.value("tiercel_cache_hits_total{cache=\"default\"}")).isEqualTo(2.0);
      assertThat(after.value("tiercel_cache_misses_total{cache=\"default\"}")).isEqualTo(1.0);
      assertThat(after.value("tiercel_cache_entries{cache=\"default\"}")).isEqualTo(1.0);
      assertThat(after.value("tiercel_cache_memory_bytes{cache=\"default\"}")).isPositive();
      assertThat(after.value("tiercel_cache_max_memory_bytes{cache=\"default\"}"))
          .isEqualTo(512.0 * 1024 * 1024);
      assertThat(after.value("tiercel_cache_hit_ratio{cache=\"default\"}"))
          .isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
      // HTTP requests count too: the first scrape was answered before the second one rendered.
      assertThat(after.value("tiercel_http_requests_total{route=\"metrics\",status=\"2xx\"}"))
          .isEqualTo(1.0);
      assertThat(after.value("tiercel_connections_received_total")).isEqualTo(1.0);
      // JVM and GC binders.
      assertThat(after.hasFamily("jvm_memory_used_bytes")).isTrue();
      assertThat(after.hasFamily("jvm_gc_")).isTrue();
      assertThat(after.hasFamily("jvm_threads_live_threads")).isTrue();
      assertThat(after.hasFamily("process_uptime_seconds")).isTrue();
    }
  }

  @Test
  void pipelinedCommandsAreEachCountedAndTimedOnce() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        RawClient c = RawClient.tcp(f.port())) {
      Prometheus before = Prometheus.scrape(http, f);
      StringBuilder batch = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        batch.append("*3\r\n$3\r\nSET\r\n$2\r\nk").append(i % 10).append("\r\n$1\r\nv\r\n");
        batch.append("*2\r\n$3\r\nGET\r\n$2\r\nk").append(i % 10).append("\r\n");
      }
      c.send(batch.toString());
      for (int i = 0; i < 40; i++) {
        assertThat(c.readLine()).isEqualTo("+OK\r\n");
        assertThat(c.readLine()).isEqualTo("$1\r\n");
        assertThat(c.readLine()).isEqualTo("v\r\n");
      }
      Prometheus after = Prometheus.scrape(http, f);
      for (String kind : new String[] {"read", "write"}) {
        String series = "tiercel_command_duration_seconds_%s{kind=\"" + kind + "\"}";
        assertThat(after.value(series.formatted("count")) - before.value(series.formatted("count")))
            .isEqualTo(40.0);
        // Each command's time runs from the previous one's end: none is zero or negative.
        assertThat(after.value(series.formatted("sum")) - before.value(series.formatted("sum")))
            .isPositive();
        assertThat(after.value(series.formatted("bucket").replace("}", ",le=\"+Inf\"}"))
            - before.value(series.formatted("bucket").replace("}", ",le=\"+Inf\"}")))
            .isEqualTo(40.0);
      }
    }
  }

  @Test
  void httpKeyOperationsCountAsGetSetAndDel() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      String base = "http://127.0.0.1:" + f.server.httpPort();
      http.send(HttpRequest.newBuilder(URI.create(base + "/caches/default/keys/a"))
          .PUT(HttpRequest.BodyPublishers.ofString("1")).build(),
          HttpResponse.BodyHandlers.discarding());
      http.send(HttpRequest.newBuilder(URI.create(base + "/get?key=a")).build(),
          HttpResponse.BodyHandlers.discarding());
      http.send(HttpRequest.newBuilder(URI.create(base + "/get?key=b")).build(),
          HttpResponse.BodyHandlers.discarding());
      Prometheus p = Prometheus.scrape(http, f);
      assertThat(p.value("tiercel_commands_total{command=\"set\",result=\"ok\"}")).isEqualTo(1.0);
      assertThat(p.value("tiercel_commands_total{command=\"get\",result=\"hit\"}")).isEqualTo(1.0);
      assertThat(p.value("tiercel_commands_total{command=\"get\",result=\"miss\"}"))
          .isEqualTo(1.0);
      assertThat(p.value("tiercel_http_requests_total{route=\"key\",status=\"2xx\"}"))
          .isEqualTo(1.0);
      assertThat(p.value("tiercel_http_requests_total{route=\"get\",status=\"4xx\"}"))
          .isEqualTo(1.0);
      assertThat(p.value("tiercel_http_request_duration_seconds_count")).isEqualTo(3.0);
    }
  }

  @Test
  void namedCachesAppearWithEvictionsAndExpirationsAndDisappearWhenDropped() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      var small = f.server.caches().create("small", CacheConfig.parse("maxmemory=16kb"));
      for (int i = 0; i < 2_000; i++) {
        small.put(("key" + i).getBytes(), new byte[100]);
      }
      var timed = f.server.caches().create("timed", CacheConfig.parse("maxmemory=1mb"));
      timed.put("t".getBytes(), "v".getBytes(), f.clock.millis() + 1_000);
      f.clock.advance(Duration.ofSeconds(5));
      assertThat(timed.get("t".getBytes())).isNull();
      timed.cleanUp();
      Prometheus p = Prometheus.scrape(http, f);
      assertThat(p.value("tiercel_cache_evictions_total{cache=\"small\"}")).isPositive();
      assertThat(p.value("tiercel_cache_expirations_total{cache=\"timed\"}")).isEqualTo(1.0);
      assertThat(p.value("tiercel_cache_memory_bytes{cache=\"small\"}"))
          .isLessThanOrEqualTo(16 * 1024);
      assertThat(p.has("tiercel_cache_entries{cache=\"default\"}")).isTrue();
      f.server.caches().drop("small");
      Prometheus dropped = Prometheus.scrape(http, f);
      assertThat(dropped.hasFamily("tiercel_cache_entries{cache=\"small\"")).isFalse();
      assertThat(dropped.has("tiercel_cache_entries{cache=\"default\"}")).isTrue();
    }
  }
}
