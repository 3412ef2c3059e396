package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.backing.BackedCache;
import io.tiercel.jdbc.JdbcBackingStore;
import io.tiercel.jdbc.MariaDbTestServer;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The store counters of {@code INFO store} in /metrics, moving by exactly what commands did. */
class StoreMetricsTest {
  @TempDir Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void create(Jedis j, String... args) {
    byte[][] a = new byte[args.length + 1][];
    a[0] = b("CREATE");
    for (int i = 0; i < args.length; i++) {
      a[i + 1] = b(args[i]);
    }
    j.sendCommand(() -> b("CACHE"), a);
  }

  @Test
  void writeBehindPendingWritesBatchesAndFlushLatencyAppearPerCache() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("wb.db");
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("dir", dir.toString()));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Jedis j = new Jedis("127.0.0.1", f.port(), 15_000)) {
      create(j, "wb", "store=" + url, "mode=write-behind", "flush-interval=1h");
      j.sendCommand(() -> b("SELECT"), b("wb"));
      String tags = "{cache=\"wb\",mode=\"write-behind\"}";
      Prometheus before = Prometheus.scrape(http, f);
      assertThat(before.has("tiercel_store_pending_writes" + tags)).isTrue();
      assertThat(before.value("tiercel_store_pending_writes" + tags)).isZero();
      assertThat(before.has("tiercel_store_flush_seconds_count" + tags)).isTrue();
      j.set("a", "1");
      j.set("a", "2");
      j.set("b", "3");
      j.set("c", "4");
      j.del("c");
      Prometheus queued = Prometheus.scrape(http, f);
      assertThat(queued.value("tiercel_store_pending_writes" + tags)).isEqualTo(3.0);
      assertThat(queued.value("tiercel_store_enqueued_total" + tags)).isEqualTo(5.0);
      assertThat(queued.value("tiercel_store_coalesced_total" + tags)).isEqualTo(2.0);
      assertThat(queued.value("tiercel_store_journal_bytes" + tags)).isPositive();
      assertThat(queued.value("tiercel_store_flush_seconds_count" + tags)).isZero();

      BackedCache wb = (BackedCache) f.server.caches().get("wb");
      assertThat(wb.flush(false, 30_000)).isTrue();
      Prometheus flushed = Prometheus.scrape(http, f);
      assertThat(flushed.value("tiercel_store_pending_writes" + tags)).isZero();
      assertThat(flushed.value("tiercel_store_journal_bytes" + tags)).isZero();
      assertThat(flushed.value("tiercel_store_flush_seconds_count" + tags)).isEqualTo(1.0);
      assertThat(flushed.value("tiercel_store_flush_seconds_sum" + tags)).isPositive();
      assertThat(flushed.value("tiercel_store_flushed_entries_total" + tags)).isEqualTo(3.0);
      assertThat(flushed.value("tiercel_store_batch_size_max" + tags)).isEqualTo(3.0);
      assertThat(flushed.value("tiercel_store_statements_total" + tags)
          - queued.value("tiercel_store_statements_total" + tags))
          .as("the table's CREATE on first use, one upsert of a and b, one delete of c")
          .isEqualTo(3.0);
      assertThat(flushed.value("tiercel_store_errors_total{cache=\"wb\",kind=\"flush\","
          + "mode=\"write-behind\"}")).isZero();
      assertThat(j.info("store")).contains("flushes=1", "flushed_entries=3");
    }
  }

  @Test
  void readThroughLoadsHitsAndDatabaseErrorsAppearPerCache() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("rt.db");
    try (JdbcBackingStore db = new JdbcBackingStore(url, "rt", "k", "v", 1)) {
      db.store(b("in-db"), b("x"));
    }
    String dead = "jdbc:mariadb://127.0.0.1:" + MariaDbTestServer.freePort() + "/x?user=root";
    try (ServerFixture f = ServerFixture.start(dir, c -> c.set("dir", dir.toString()));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Jedis j = new Jedis("127.0.0.1", f.port(), 15_000)) {
      create(j, "rt", "store=" + url, "mode=read-through");
      create(j, "down", "store=" + dead, "mode=read-through");
      j.sendCommand(() -> b("SELECT"), b("rt"));
      assertThat(j.get("in-db")).isEqualTo("x");
      assertThat(j.get("in-db")).as("now cached").isEqualTo("x");
      assertThat(j.get("nowhere")).isNull();
      j.sendCommand(() -> b("SELECT"), b("down"));
      assertThatThrownBy(() -> j.get("miss")).hasMessageContaining("cannot load");
      Prometheus p = Prometheus.scrape(http, f);
      String rt = "{cache=\"rt\",mode=\"read-through\"}";
      assertThat(p.value("tiercel_store_load_seconds_count" + rt)).isEqualTo(2.0);
      assertThat(p.value("tiercel_store_load_seconds_sum" + rt)).isPositive();
      assertThat(p.value("tiercel_store_load_hits_total" + rt)).isEqualTo(1.0);
      assertThat(p.has("tiercel_store_errors_total{cache=\"rt\",kind=\"load\","
          + "mode=\"read-through\"}")).isTrue();
      assertThat(p.value("tiercel_store_errors_total{cache=\"rt\",kind=\"load\","
          + "mode=\"read-through\"}")).isZero();
      assertThat(p.value("tiercel_store_errors_total{cache=\"down\",kind=\"load\","
          + "mode=\"read-through\"}")).isEqualTo(1.0);
      assertThat(p.hasFamily("tiercel_store_pending_writes{cache=\"default\"")).isFalse();
    }
  }
}
