package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every HTTP route through the JDK's HttpClient against a running node. */
class HttpApiTest {
  @TempDir Path dir;
  private ServerFixture f;
  private HttpClient http;

  @BeforeEach
  void start() throws Exception {
    f = ServerFixture.start(dir);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    http.close();
    f.close();
  }

  private URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + f.server.httpPort() + pathAndQuery);
  }

  private HttpResponse<byte[]> send(String method, String path, byte[] body) throws Exception {
    HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body);
    return http.send(HttpRequest.newBuilder(uri(path)).method(method, p)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void putThenGetReturnsTheSameBytesForABinaryKeyAndValue() throws Exception {
    byte[] value = new byte[256];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    String encodedKey = "k%00%FF%2Fslash%20space";
    HttpResponse<byte[]> put = send("PUT", "/caches/default/keys/" + encodedKey, value);
    assertThat(put.statusCode()).isEqualTo(204);
    HttpResponse<byte[]> get = send("GET", "/caches/default/keys/" + encodedKey, null);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(value);
    assertThat(get.headers().firstValue("content-type")).hasValue("application/octet-stream");
    byte[] rawKey = {'k', 0, (byte) 0xFF, '/', 's', 'l', 'a', 's', 'h', ' ', 's', 'p', 'a', 'c',
        'e'};
    assertThat(f.server.caches().defaultCache().get(rawKey)).isEqualTo(value);
  }

  @Test
  void missingKeyAndMissingCacheAnswer404WithAJsonError() throws Exception {
    HttpResponse<byte[]> key = send("GET", "/caches/default/keys/nope", null);
    assertThat(key.statusCode()).isEqualTo(404);
    assertThat(key.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(text(key)).isEqualTo("{\"error\":\"no such key in cache 'default'\"}\n");
    HttpResponse<byte[]> cache = send("GET", "/caches/nosuch/keys/k", null);
    assertThat(cache.statusCode()).isEqualTo(404);
    assertThat(text(cache)).contains("no such cache 'nosuch'");
    assertThat(send("GET", "/nowhere", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/caches/default/keys/a/b", null).statusCode()).isEqualTo(404);
  }

  @Test
  void deleteRemovesTheKeyThenAnswers404() throws Exception {
    f.server.caches().defaultCache().put("k".getBytes(), "v".getBytes());
    assertThat(send("DELETE", "/caches/default/keys/k", null).statusCode()).isEqualTo(204);
    assertThat(f.server.caches().defaultCache().get("k".getBytes())).isNull();
    assertThat(send("DELETE", "/caches/default/keys/k", null).statusCode()).isEqualTo(404);
  }

  @Test
  void ttlQueryParameterSetsTheExpiry() throws Exception {
    long now = f.clock.millis();
    assertThat(send("PUT", "/caches/default/keys/t?ttl=60s", "v".getBytes()).statusCode())
        .isEqualTo(204);
    assertThat(f.server.caches().defaultCache().expireAt("t".getBytes())).isEqualTo(now + 60_000);
    f.clock.advance(Duration.ofSeconds(59));
    assertThat(send("GET", "/caches/default/keys/t", null).statusCode()).isEqualTo(200);
    f.clock.advance(Duration.ofSeconds(2));
    assertThat(send("GET", "/caches/default/keys/t", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/set?key=s&value=v&ttl=500ms", null).statusCode()).isEqualTo(200);
    assertThat(f.server.caches().defaultCache().expireAt("s".getBytes()))
        .isEqualTo(f.clock.millis() + 500);
  }

  @Test
  void badInputAnswers400WithAJsonErrorNamingTheProblem() throws Exception {
    HttpResponse<byte[]> ttl = send("PUT", "/caches/default/keys/k?ttl=soon", "v".getBytes());
    assertThat(ttl.statusCode()).isEqualTo(400);
    assertThat(text(ttl)).startsWith("{\"error\":\"ttl: 'soon' (expected: a duration");
    assertThat(text(send("PUT", "/caches/default/keys/k?ttl=0", "v".getBytes())))
        .contains("ttl: '0' (expected: a duration above 0)");
    HttpResponse<byte[]> param = send("GET", "/caches/default/keys/k?color=red", null);
    assertThat(param.statusCode()).isEqualTo(400);
    assertThat(text(param)).contains("unknown query parameter 'color'");
    try (RawHttp raw = new RawHttp(f.server.httpPort())) {
      raw.send("GET /caches/default/keys/bad%zz HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Response percent = raw.read();
      assertThat(percent.status()).isEqualTo(400);
      assertThat(percent.text()).isEqualTo("{\"error\":\"key: malformed percent-encoding at "
          + "'%zz' (expected: %XX with two hex digits)\"}\n");
    }
    HttpResponse<byte[]> noKey = send("GET", "/get", null);
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(text(noKey)).contains("query parameter 'key' is missing");
    assertThat(send("GET", "/set?key=a", null).statusCode()).isEqualTo(400);
    assertThat(f.server.caches().defaultCache().size()).isZero();
  }

  @Test
  void wrongMethodAnswers405WithAllow() throws Exception {
    HttpResponse<byte[]> patch = send("PATCH", "/caches/default/keys/k", "v".getBytes());
    assertThat(patch.statusCode()).isEqualTo(405);
    assertThat(patch.headers().firstValue("allow")).hasValue("GET, PUT, DELETE");
    HttpResponse<byte[]> purge = send("GET", "/caches/default/purge", null);
    assertThat(purge.statusCode()).isEqualTo(405);
    assertThat(purge.headers().firstValue("allow")).hasValue("POST");
    assertThat(send("POST", "/metrics", new byte[0]).statusCode()).isEqualTo(405);
  }

  @Test
  void shortFormsGetAndSetTheDefaultCacheOrANamedOne() throws Exception {
    HttpResponse<byte[]> set = send("GET", "/set?key=a&value=hello+world%21", null);
    assertThat(set.statusCode()).isEqualTo(200);
    assertThat(text(set)).isEqualTo("OK\n");
    HttpResponse<byte[]> get = send("GET", "/get?key=a", null);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(text(get)).isEqualTo("hello world!");
    assertThat(send("GET", "/get?key=missing", null).statusCode()).isEqualTo(404);
    f.server.caches().create("sessions", CacheConfig.parse("maxmemory=1mb"));
    assertThat(send("GET", "/set?key=b&value=%00%FF&cache=sessions", null).statusCode())
        .isEqualTo(200);
    assertThat(f.server.caches().get("sessions").get("b".getBytes()))
        .isEqualTo(new byte[] {0, (byte) 0xFF});
    assertThat(send("GET", "/get?key=b&cache=sessions", null).body())
        .isEqualTo(new byte[] {0, (byte) 0xFF});
  }

  @Test
  void cachesListsEveryCacheAndPurgeEmptiesOne() throws Exception {
    Cache sessions = f.server.caches().create("sessions",
        CacheConfig.parse("policy=arc,maxmemory=2mb,ttl=10m"));
    sessions.put("x".getBytes(), "1".getBytes());
    sessions.put("y".getBytes(), "2".getBytes());
    HttpResponse<byte[]> list = send("GET", "/caches", null);
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(text(list)).startsWith("{\"caches\":[{\"name\":\"default\",\"policy\":\"tinylfu\"")
        .contains("{\"name\":\"sessions\",\"policy\":\"arc\",\"maxmemory\":2097152,"
            + "\"ttl_ms\":600000,\"entries\":2,");
    assertThat(text(send("GET", "/caches/sessions", null))).startsWith("{\"name\":\"sessions\"");
    assertThat(send("POST", "/caches/sessions/purge", new byte[0]).statusCode()).isEqualTo(204);
    assertThat(sessions.size()).isZero();
    assertThat(send("POST", "/caches/nosuch/purge", new byte[0]).statusCode()).isEqualTo(404);
  }

  @Test
  void healthAndClusterDescribeTheNode() throws Exception {
    HttpResponse<byte[]> health = send("GET", "/health", null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(text(health)).startsWith("{\"status\":\"ok\",\"uptime_seconds\":");
    HttpResponse<byte[]> cluster = send("GET", "/cluster", null);
    assertThat(cluster.statusCode()).isEqualTo(200);
    assertThat(text(cluster)).isEqualTo("{\"cluster_enabled\":true,\"epoch\":0,\"nodes\":[{"
        + "\"id\":\"" + f.server.node().runId() + "\",\"host\":\"127.0.0.1\",\"port\":" + f.port()
        + ",\"http_port\":" + f.server.httpPort() + ",\"role\":\"master\","
        + "\"slots\":[[0,16383]]}]}\n");
  }

  @Test
  void metricsAnswersPrometheusText() throws Exception {
    HttpResponse<byte[]> m = send("GET", "/metrics", null);
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(Prometheus.parse(text(m)).hasFamily("tiercel_cache_entries")).isTrue();
  }

  @Test
  void valueLargerThanTheCacheAnswers507() throws Exception {
    f.server.caches().create("tiny", CacheConfig.parse("maxmemory=1kb"));
    HttpResponse<byte[]> r = send("PUT", "/caches/tiny/keys/big", new byte[4096]);
    assertThat(r.statusCode()).isEqualTo(507);
    assertThat(text(r)).contains("maxmemory");
  }
}
