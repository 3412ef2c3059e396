package io.tiercel.server.backing;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.ManualClock;
import io.tiercel.jdbc.JdbcBackingStore;
import io.tiercel.jdbc.MariaDbTestServer;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.TiercelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The HTTP API on caches with a backing store: a request that waits for the database waits on
 * its key's lane, never on the event loop that serves other connections.
 */
class HttpBackedCacheTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aReadThroughGetWaitingForALockedTableDoesNotStallOtherConnections() throws Exception {
    String url = MariaDbTestServer.shared().url();
    String table = "http_lane_" + Long.toHexString(System.nanoTime());
    try (JdbcBackingStore db = new JdbcBackingStore(url, table, "k", "v", 1)) {
      db.store(b("in-db"), b("from the database"));
    }
    ServerConfig config = new ServerConfig().set("port", "0").set("http-port", "0")
        .set("io-threads", "1").set("dir", dir.toString());
    try (TiercelServer server = new TiercelServer(config, new ManualClock(1_700_000_000_000L))
            .start();
        Jedis j = new Jedis("127.0.0.1", server.port(), 15_000);
        HttpClient first = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient second = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Connection locker = DriverManager.getConnection(url);
        Statement st = locker.createStatement()) {
      j.sendCommand(() -> b("CACHE"), b("CREATE"), b(table), b("store=" + url),
          b("mode=read-through"), b("table=" + table));
      j.set("plain", "on the default cache");
      String base = "http://127.0.0.1:" + server.httpPort();

      st.execute("LOCK TABLES " + table + " WRITE");
      CompletableFuture<HttpResponse<String>> blocked = first.sendAsync(
          HttpRequest.newBuilder(URI.create(base + "/caches/" + table + "/keys/in-db")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> other = second.send(
          HttpRequest.newBuilder(URI.create(base + "/caches/default/keys/plain"))
              .timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(other.statusCode()).isEqualTo(200);
      assertThat(other.body()).isEqualTo("on the default cache");
      assertThat(blocked).as("the load waits for the table lock").isNotDone();

      st.execute("UNLOCK TABLES");
      HttpResponse<String> loaded = blocked.get(30, TimeUnit.SECONDS);
      assertThat(loaded.statusCode()).isEqualTo(200);
      assertThat(loaded.body()).isEqualTo("from the database");
    }
  }

  @Test
  void aWriteThroughPutOverHttpReachesTheDatabaseBeforeItsAnswer() throws Exception {
    String url = MariaDbTestServer.shared().url();
    String table = "http_put_" + Long.toHexString(System.nanoTime());
    ServerConfig config = new ServerConfig().set("port", "0").set("http-port", "0")
        .set("dir", dir.toString());
    try (TiercelServer server = new TiercelServer(config, new ManualClock(1_700_000_000_000L))
            .start();
        Jedis j = new Jedis("127.0.0.1", server.port(), 15_000);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
      j.sendCommand(() -> b("CACHE"), b("CREATE"), b(table), b("store=" + url),
          b("mode=write-through"), b("table=" + table));
      String base = "http://127.0.0.1:" + server.httpPort();
      HttpResponse<String> put = http.send(
          HttpRequest.newBuilder(URI.create(base + "/caches/" + table + "/keys/k1"))
              .PUT(HttpRequest.BodyPublishers.ofString("v1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(put.statusCode()).isEqualTo(204);
      try (JdbcBackingStore db = new JdbcBackingStore(url, table, "k", "v", 1)) {
        assertThat(db.load(b("k1"))).isEqualTo(b("v1"));
      }
      HttpResponse<String> missing = http.send(
          HttpRequest.newBuilder(URI.create(base + "/caches/" + table + "/keys/nowhere"))
              .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(missing.statusCode()).isEqualTo(404);
    }
  }
}
