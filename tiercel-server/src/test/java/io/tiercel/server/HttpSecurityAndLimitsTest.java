package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP authentication with a bearer token, size limits, keep-alive and pipelining. */
class HttpSecurityAndLimitsTest {
  @TempDir Path dir;

  private static HttpResponse<String> get(HttpClient http, int port, String path, String auth)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withRequirepassEveryRouteButHealthNeedsTheBearerToken() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("requirepass", "s3cret"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      int port = f.server.httpPort();
      for (String path : new String[] {"/caches", "/get?key=a", "/metrics", "/cluster",
          "/caches/default/keys/a"}) {
        HttpResponse<String> none = get(http, port, path, null);
        assertThat(none.statusCode()).as(path).isEqualTo(401);
        assertThat(none.headers().firstValue("www-authenticate"))
            .hasValue("Bearer realm=\"tiercel\"");
        assertThat(none.body()).contains("authentication required");
        assertThat(get(http, port, path, "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(get(http, port, path, "Basic czNjcmV0").statusCode()).isEqualTo(401);
      }
      assertThat(get(http, port, "/health", null).statusCode()).isEqualTo(200);
      assertThat(get(http, port, "/set?key=a&value=1", "Bearer s3cret").statusCode())
          .isEqualTo(200);
      assertThat(get(http, port, "/get?key=a", "bearer s3cret").body()).isEqualTo("1");
      // CONFIG SET requirepass reaches HTTP at once.
      try (RawClient resp = RawClient.tcp(f.port())) {
        resp.command("AUTH", "s3cret");
        assertThat(resp.readLine()).isEqualTo("+OK\r\n");
        resp.command("CONFIG", "SET", "requirepass", "");
        assertThat(resp.readLine()).isEqualTo("+OK\r\n");
      }
      assertThat(get(http, port, "/get?key=a", null).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void bodyOverTheLimitAnswers413AndTheConnectionStaysUsable() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("http-max-content-length", "1kb"));
        RawHttp c = new RawHttp(f.server.httpPort())) {
      String body = "x".repeat(2048);
      c.send("PUT /caches/default/keys/big HTTP/1.1\r\nHost: t\r\nContent-Length: 2048\r\n\r\n"
          + body);
      assertThat(c.read().status()).isEqualTo(413);
      c.send("PUT /caches/default/keys/small HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
      assertThat(c.read().status()).isEqualTo(204);
      assertThat(f.server.caches().defaultCache().get("small".getBytes()))
          .isEqualTo("abc".getBytes());
      assertThat(f.server.caches().defaultCache().get("big".getBytes())).isNull();
    }
  }

  @Test
  void headersOverTheLimitAnswer431AndCloseAndALongUrlAnswers414() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("http-max-header-size", "1kb")
        .set("http-max-initial-line-length", "256"))) {
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(2000) + "\r\n\r\n");
        RawHttp.Response r = c.read();
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.header("connection")).isEqualTo("close");
        assertThat(c.closedByServer()).isTrue();
      }
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("GET /get?key=" + "k".repeat(400) + " HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(414);
        assertThat(c.closedByServer()).isTrue();
      }
      // The node keeps serving.
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
    }
  }

  @Test
  void keepAliveServesPipelinedRequestsInOrderOnOneConnection() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir);
        RawHttp c = new RawHttp(f.server.httpPort())) {
      // /metrics runs off the event loop; the requests behind it must still answer in order.
      c.send("GET /set?key=a&value=1 HTTP/1.1\r\nHost: t\r\n\r\n"
          + "GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n"
          + "GET /get?key=a HTTP/1.1\r\nHost: t\r\n\r\n"
          + "DELETE /caches/default/keys/a HTTP/1.1\r\nHost: t\r\n\r\n"
          + "GET /get?key=a HTTP/1.1\r\nHost: t\r\n\r\n");
      RawHttp.Response set = c.read();
      assertThat(set.status()).isEqualTo(200);
      assertThat(set.text()).isEqualTo("OK\n");
      RawHttp.Response metrics = c.read();
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.text()).contains("# TYPE");
      assertThat(c.read().text()).isEqualTo("1");
      assertThat(c.read().status()).isEqualTo(204);
      assertThat(c.read().status()).isEqualTo(404);
      for (int i = 0; i < 20; i++) {
        c.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
      assertThat(c.stillOpen()).isTrue();
      String open = Prometheus.parse(f.server.metrics().scrape()).samples.entrySet().stream()
          .filter(e -> e.getKey().equals("tiercel_http_connections"))
          .map(e -> e.getValue().toString()).findFirst().orElse("absent");
      assertThat(open).isEqualTo("1.0");
    }
  }

  @Test
  void http10AndConnectionCloseCloseAfterTheResponse() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir)) {
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("GET /health HTTP/1.0\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
        assertThat(c.closedByServer()).isTrue();
      }
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        assertThat(c.read().header("connection")).isEqualTo("close");
        assertThat(c.closedByServer()).isTrue();
      }
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(c.read().header("connection")).isEqualTo("keep-alive");
        c.send("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
    }
  }

  @Test
  void garbageIsAnswered400AndClosedWhileTheNodeKeepsServing() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir)) {
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("\u0001\u0002 not http at all\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(400);
        assertThat(c.closedByServer()).isTrue();
      }
      try (RawHttp c = new RawHttp(f.server.httpPort())) {
        c.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().status()).isEqualTo(200);
      }
    }
  }

  @Test
  void httpMinusOneTurnsHttpOff() throws Exception {
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("http-port", "-1"))) {
      assertThat(f.server.httpPort()).isEqualTo(-1);
      assertThat(f.server.readyLine()).contains(" http=-1 ");
    }
  }
}
