package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/** SAVE, BGSAVE, LASTSAVE, BGREWRITEAOF and INFO persistence on an in-process node. */
class PersistenceCommandsTest {
  @TempDir Path dir;

  private ServerFixture start(String... settings) throws Exception {
    return ServerFixture.start(dir, c -> {
      c.set("dir", dir.resolve("data").toString());
      for (int i = 0; i < settings.length; i += 2) {
        c.set(settings[i], settings[i + 1]);
      }
    });
  }

  @Test
  void saveWritesASnapshotAndLastsaveAndInfoReportIt() throws Exception {
    try (ServerFixture node = start("snapshot-interval", "1h");
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      j.set("a", "1");
      assertThat(j.info("persistence")).contains("rdb_changes_since_last_save:1");
      assertThat(j.save()).isEqualTo("OK");
      assertThat(j.lastsave()).isEqualTo(node.clock.millis() / 1000);
      String info = j.info("persistence");
      assertThat(info).contains("# Persistence", "loading:0", "rdb_changes_since_last_save:0",
          "rdb_last_bgsave_status:ok", "aof_enabled:0", "aof_last_write_status:ok");
      try (var files = Files.list(dir.resolve("data").resolve("default"))) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.startsWith("snapshot-") && n.endsWith(".tsnap"));
      }
    }
  }

  @Test
  void bgsaveAndBgrewriteaofAnswerAsRedisDoes() throws Exception {
    try (ServerFixture node = start("appendonly", "yes", "appendfsync", "always");
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      j.set("a", "1");
      assertThat(j.bgsave()).isEqualTo("Background saving started");
      String rewrite;
      try {
        rewrite = j.bgrewriteaof();
      } catch (JedisDataException e) {
        rewrite = e.getMessage();
      }
      assertThat(rewrite).isIn("Background append only file rewriting started",
          "ERR Background append only file rewriting already in progress");
      assertThat(j.info("persistence")).contains("aof_enabled:1", "aof_fsync:always");
    }
  }

  @Test
  void writesAndNamedCachesSurviveARestartOfTheNode() throws Exception {
    try (ServerFixture node = start("appendonly", "yes", "appendfsync", "everysec");
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      j.set("plain", "1");
      j.incrBy("counter", 41);
      j.incr("counter");
      j.sendCommand(() -> "CACHE".getBytes(), "CREATE", "sessions", "policy=lru");
      j.select(0);
      j.sendCommand(() -> "SELECT".getBytes(), "sessions");
      j.set("s1", "alice");
    }
    try (ServerFixture node = start("appendonly", "yes", "appendfsync", "everysec");
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      assertThat(j.get("plain")).isEqualTo("1");
      assertThat(j.get("counter")).isEqualTo("42");
      j.sendCommand(() -> "SELECT".getBytes(), "sessions");
      assertThat(j.get("s1")).isEqualTo("alice");
    }
  }

  private static Object cache(Jedis j, String... args) {
    return j.sendCommand(() -> "CACHE".getBytes(), args);
  }

  private static String cacheInfo(Jedis j, String name) {
    StringBuilder sb = new StringBuilder();
    Object reply = cache(j, "INFO", name);
    java.util.List<?> items = reply instanceof java.util.List<?> l ? l : java.util.List.of();
    for (int i = 0; i + 1 < items.size(); i += 2) {
      sb.append(new String((byte[]) items.get(i))).append('=')
          .append(new String((byte[]) items.get(i + 1))).append('\n');
    }
    return sb.toString();
  }

  @Test
  void cacheCreateTakesPerCachePersistenceSettingsShowsThemAndKeepsThemAcrossRestarts()
      throws Exception {
    try (ServerFixture node = start("snapshot-interval", "1h");
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      assertThat(cache(j, "CREATE", "orders", "appendonly=yes", "appendfsync=always",
          "snapshot-interval=30s")).isEqualTo("OK".getBytes());
      assertThat(cache(j, "CREATE", "pages", "policy=lru,maxmemory=8mb,appendfsync=no"))
          .isEqualTo("OK".getBytes());
      assertThat(cacheInfo(j, "orders")).contains("appendonly=yes\n", "appendfsync=always\n",
          "snapshot-interval=30s\n");
      assertThat(cacheInfo(j, "pages")).contains("appendonly=no\n", "appendfsync=no\n",
          "snapshot-interval=3600s\n", "maxmemory=8mb");
      assertThat(j.info("persistence")).contains("aof_enabled:1",
          "cache_orders_persistence:appendonly=yes,appendfsync=always,snapshot_interval=30s",
          "cache_default_persistence:appendonly=no,appendfsync=everysec,snapshot_interval=3600s",
          "aof_buffer_limit:67108864");
      j.sendCommand(() -> "SELECT".getBytes(), "orders");
      j.set("o1", "paid");
    }
    try (ServerFixture node = start("snapshot-interval", "1h");
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      assertThat(cacheInfo(j, "orders")).contains("appendfsync=always\n",
          "snapshot-interval=30s\n");
      assertThat(cacheInfo(j, "pages")).contains("appendfsync=no\n");
      j.sendCommand(() -> "SELECT".getBytes(), "orders");
      assertThat(j.get("o1")).isEqualTo("paid");
    }
  }

  @Test
  void badPerCacheSettingsAreRefusedWithTheOptionNamedAndCreateNothing() throws Exception {
    try (ServerFixture node = start("snapshot-interval", "1h");
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      assertThatThrownBy(() -> cache(j, "CREATE", "x", "appendfsync=sometimes"))
          .hasMessageContaining("appendfsync: 'sometimes' (expected: always, everysec, no)");
      assertThatThrownBy(() -> cache(j, "CREATE", "x", "appendonly=maybe"))
          .hasMessageContaining("appendonly: 'maybe'");
      assertThatThrownBy(() -> cache(j, "CREATE", "x", "snapshot-interval=soon"))
          .hasMessageContaining("snapshot-interval: 'soon'");
      assertThat((java.util.List<?>) cache(j, "LIST")).hasSize(1);
    }
    try (ServerFixture node = ServerFixture.start(dir);
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      assertThatThrownBy(() -> cache(j, "CREATE", "x", "appendonly=yes"))
          .hasMessageContaining("need persistence on this node");
    }
  }

  @Test
  void withoutPersistenceSaveFailsClearlyAndNothingIsWritten() throws Exception {
    try (ServerFixture node = ServerFixture.start(dir);
        Jedis j = new Jedis("127.0.0.1", node.port())) {
      assertThatThrownBy(j::save).hasMessageContaining("persistence is off");
      assertThat(j.info("persistence")).contains("aof_enabled:0");
      assertThat(j.lastsave()).isPositive();
    }
    assertThat(Files.exists(dir.resolve("default"))).isFalse();
  }
}
