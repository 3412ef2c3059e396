package io.tiercel.server.backing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.ManualClock;
import io.tiercel.jdbc.JdbcBackingStore;
import io.tiercel.jdbc.MariaDbTestServer;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.TiercelServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;

/** A node's caches with a backing store, driven over RESP by a real client. */
class StoreCommandsTest {
  @TempDir Path dir;
  private TiercelServer server;
  private Jedis jedis;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @BeforeEach
  void start() throws Exception {
    ServerConfig config = new ServerConfig().set("port", "0").set("io-threads", "2")
        .set("dir", dir.toString())
        .set("cache", "cfg store=jdbc:sqlite:" + dir.resolve("cfg.db") + " mode=write-through");
    server = new TiercelServer(config, new ManualClock()).start();
    jedis = new Jedis("127.0.0.1", server.port(), 15_000);
  }

  @AfterEach
  void stop() {
    jedis.close();
    server.close();
  }

  private String db(String name) {
    return "jdbc:sqlite:" + dir.resolve(name + ".db");
  }

  @Test
  void writeThroughCacheCreatedAtRunTimeStoresReadsAndDeletesThroughTheDatabase() {
    String url = db("users");
    assertThat(jedis.sendCommand(() -> b("CACHE"), b("CREATE"), b("users"), b("store=" + url),
        b("mode=write-through"), b("policy=lru"))).isEqualTo(b("OK"));
    jedis.sendCommand(() -> b("SELECT"), b("users"));
    assertThat(jedis.set("a", "1")).isEqualTo("OK");
    assertThat(jedis.incr("a")).isEqualTo(2);
    try (JdbcBackingStore direct = new JdbcBackingStore(url, "users", "k", "v", 1)) {
      assertThat(direct.load(b("a"))).isEqualTo(b("2"));
      direct.store(b("from-db"), b("loaded"));
    }
    assertThat(jedis.get("from-db")).isEqualTo("loaded");
    assertThat(jedis.get("nowhere")).isNull();
    assertThat(jedis.mget("a", "from-db", "nowhere")).containsExactly("2", "loaded", null);
    assertThat(jedis.del("from-db")).isEqualTo(1);
    try (JdbcBackingStore direct = new JdbcBackingStore(url, "users", "k", "v", 1)) {
      assertThat(direct.load(b("from-db"))).isNull();
    }
    String info = jedis.info("store");
    assertThat(info).contains("store_users:mode=write-through").contains("writes_through=")
        .contains("store_cfg:mode=write-through");
  }

  @Test
  void pipelinedRepliesStayInOrderAcrossCommandsThatRunOffTheEventLoop() {
    jedis.sendCommand(() -> b("SELECT"), b("cfg"));
    Pipeline p = jedis.pipelined();
    List<Response<?>> replies = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      replies.add(p.set("k" + (i % 7), Integer.toString(i)));
      replies.add(p.sendCommand(redis.clients.jedis.Protocol.Command.PING, new String[0]));
      replies.add(p.get("k" + (i % 7)));
      replies.add(p.sendCommand(redis.clients.jedis.Protocol.Command.ECHO, "e" + i));
    }
    p.sync();
    for (int i = 0; i < 200; i++) {
      assertThat(replies.get(4 * i).get()).isEqualTo("OK");
      assertThat(new String((byte[]) replies.get(4 * i + 1).get(), StandardCharsets.UTF_8))
          .isEqualTo("PONG");
      assertThat(replies.get(4 * i + 2).get()).isEqualTo(Integer.toString(i));
      assertThat(new String((byte[]) replies.get(4 * i + 3).get(), StandardCharsets.UTF_8))
          .isEqualTo("e" + i);
    }
  }

  @Test
  void readThroughMissWhileTheDatabaseIsDownIsAClearError() throws Exception {
    String dead = "jdbc:mariadb://127.0.0.1:" + MariaDbTestServer.freePort() + "/x?user=root";
    jedis.sendCommand(() -> b("CACHE"), b("CREATE"), b("down"), b("store=" + dead),
        b("mode=read-through"));
    jedis.sendCommand(() -> b("SELECT"), b("down"));
    assertThat(jedis.set("cached", "1")).isEqualTo("OK");
    assertThat(jedis.get("cached")).isEqualTo("1");
    assertThatThrownBy(() -> jedis.get("miss")).isInstanceOf(JedisDataException.class)
        .hasMessageStartingWith("ERR backing store: cannot load");
    assertThat(jedis.ping()).isEqualTo("PONG");
    assertThat(jedis.info("store")).contains("load_errors=1");
  }

  @Test
  void badStoreOptionsAreRejectedWithTheOptionNamed() {
    assertThatThrownBy(() -> jedis.sendCommand(() -> b("CACHE"), b("CREATE"), b("x"),
        b("mode=write-behind"))).hasMessageContaining("needs store=");
    assertThatThrownBy(() -> jedis.sendCommand(() -> b("CACHE"), b("CREATE"), b("x"),
        b("store=" + db("x")), b("table=x;drop"))).hasMessageContaining("table");
    assertThatThrownBy(() -> jedis.sendCommand(() -> b("CACHE"), b("CREATE"), b("x"),
        b("store=jdbc:oracle:thin:@h"))).hasMessageContaining("jdbc:mariadb:");
    assertThat(jedis.ping()).isEqualTo("PONG");
  }
}
