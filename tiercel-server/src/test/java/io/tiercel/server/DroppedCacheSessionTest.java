package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.util.SafeEncoder;

/**
 * A connection whose selected cache another client drops gets a clear error for every command on
 * that cache, writes nowhere (not into the dropped cache, not into {@code default}), selects
 * another cache normally afterwards, and follows a cache re-created under the same name;
 * {@code CACHE USE} is the strict switch that leaves a connection with no cache when it fails.
 * A real node and real Jedis clients over TCP.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DroppedCacheSessionTest {
  private static final String DROPPED = "ERR cache 'b' was dropped; SELECT another cache";

  private static ServerFixture fixture;
  private Jedis a;
  private Jedis admin;

  @BeforeAll
  static void startServer() throws Exception {
    fixture = ServerFixture.startInTempDir("tiercel-dropped");
  }

  @AfterAll
  static void stopServer() {
    fixture.close();
  }

  @BeforeEach
  void connect() {
    a = new Jedis(new HostAndPort("127.0.0.1", fixture.port()));
    admin = new Jedis(new HostAndPort("127.0.0.1", fixture.port()));
    admin.flushAll();
    for (String name : cacheNames()) {
      if (!name.equals("default")) {
        assertThat(send(admin, "CACHE", "DROP", name)).isEqualTo("OK");
      }
    }
    assertThat(send(admin, "CACHE", "CREATE", "b")).isEqualTo("OK");
    admin.set("k", "in-default");
  }

  @AfterEach
  void disconnect() {
    a.close();
    admin.close();
  }

  private static Object send(Jedis j, String command, String... args) {
    Object reply = j.sendCommand(() -> SafeEncoder.encode(command), args);
    return reply instanceof byte[] b ? SafeEncoder.encode(b) : reply;
  }

  private List<String> cacheNames() {
    @SuppressWarnings("unchecked")
    List<byte[]> names =
        (List<byte[]>) admin.sendCommand(() -> SafeEncoder.encode("CACHE"), "LIST");
    return names.stream().map(SafeEncoder::encode).toList();
  }

  /** Reads {@code key} of cache {@code cache} on the admin connection, which stays in default. */
  private String adminGet(String cache, String key) {
    assertThat(send(admin, "SELECT", cache)).isEqualTo("OK");
    try {
      return admin.get(key);
    } finally {
      assertThat(send(admin, "SELECT", "default")).isEqualTo("OK");
    }
  }

  private String clientListLineOf(Jedis j) {
    long id = j.clientId();
    return admin.clientList().lines().filter(l -> l.startsWith("id=" + id + " ")).findFirst()
        .orElseThrow();
  }

  @Test
  void commandsOnADroppedCacheFailClearlyAndWriteNowhere() {
    assertThat(send(a, "SELECT", "b")).isEqualTo("OK");
    a.set("k", "in-b");
    assertThat(send(admin, "CACHE", "DROP", "b")).isEqualTo("OK");

    assertThatThrownBy(() -> a.set("k", "lost")).isInstanceOf(JedisDataException.class)
        .hasMessage(DROPPED);
    assertThatThrownBy(() -> a.set("fresh", "lost")).hasMessage(DROPPED);
    assertThatThrownBy(() -> a.get("k")).hasMessage(DROPPED);
    assertThatThrownBy(() -> a.del("k")).hasMessage(DROPPED);
    assertThatThrownBy(() -> a.incr("n")).hasMessage(DROPPED);
    assertThatThrownBy(() -> a.mset("m1", "x", "m2", "y")).hasMessage(DROPPED);
    assertThatThrownBy(a::dbSize).hasMessage(DROPPED);
    assertThatThrownBy(() -> a.keys("*")).hasMessage(DROPPED);
    assertThatThrownBy(() -> a.scan("0")).hasMessage(DROPPED);
    assertThatThrownBy(a::flushDB).hasMessage(DROPPED);
    // Commands that touch no cache keep working, and CLIENT LIST shows what happened.
    assertThat(a.ping()).isEqualTo("PONG");
    assertThat(clientListLineOf(a)).contains(" db=-1 ").endsWith(" cache=b:dropped");

    // Nothing went to default, nor into a cache re-created under the name.
    assertThat(admin.get("k")).isEqualTo("in-default");
    assertThat(admin.exists("fresh", "n", "m1", "m2")).isZero();
    assertThat(cacheNames()).containsExactly("default");

    assertThat(send(a, "SELECT", "default")).isEqualTo("OK");
    assertThat(a.get("k")).isEqualTo("in-default");
    a.set("after", "1");
    assertThat(admin.get("after")).isEqualTo("1");
    assertThat(clientListLineOf(a)).contains(" db=0 ").endsWith(" cache=default");
  }

  @Test
  void aSessionFollowsACacheRecreatedUnderTheSameNameWhichStartsEmpty() {
    assertThat(send(a, "SELECT", "b")).isEqualTo("OK");
    a.set("k", "old-b");
    assertThat(send(admin, "CACHE", "DROP", "b")).isEqualTo("OK");
    assertThatThrownBy(() -> a.set("k", "lost")).hasMessage(DROPPED);
    assertThat(send(admin, "CACHE", "CREATE", "b")).isEqualTo("OK");

    assertThat(a.get("k")).as("the new b starts empty; the lost write is not in it").isNull();
    a.set("k", "new-b");
    assertThat(adminGet("b", "k")).isEqualTo("new-b");
    assertThat(admin.get("k")).isEqualTo("in-default");
    assertThat(clientListLineOf(a)).endsWith(" cache=b");
  }

  @Test
  void aSessionThatSelectedAnotherCacheIsNotMovedByADropOrARecreate() {
    assertThat(send(a, "SELECT", "b")).isEqualTo("OK");
    assertThat(send(admin, "CACHE", "DROP", "b")).isEqualTo("OK");
    assertThat(send(admin, "CACHE", "CREATE", "c")).isEqualTo("OK");
    assertThat(send(a, "SELECT", "c")).isEqualTo("OK");
    assertThat(send(admin, "CACHE", "CREATE", "b")).isEqualTo("OK");
    a.set("k", "in-c");
    assertThat(adminGet("c", "k")).isEqualTo("in-c");
    assertThat(adminGet("b", "k")).isNull();
    assertThat(admin.get("k")).isEqualTo("in-default");
  }

  @Test
  void pipelinedCommandsBehindADropFailWhileCommandsBeforeItRan() {
    Pipeline p = a.pipelined();
    Response<Object> select = p.sendCommand(Protocol.Command.SELECT, "b");
    Response<String> before = p.set("k", "before-drop");
    Response<Object> drop = p.sendCommand(() -> SafeEncoder.encode("CACHE"), "DROP", "b");
    Response<String> setAfter = p.set("k", "after-drop");
    Response<String> getAfter = p.get("k");
    Response<Object> back = p.sendCommand(Protocol.Command.SELECT, "default");
    Response<String> inDefault = p.get("k");
    p.sync();
    assertThat(SafeEncoder.encode((byte[]) select.get())).isEqualTo("OK");
    assertThat(before.get()).isEqualTo("OK");
    assertThat(SafeEncoder.encode((byte[]) drop.get())).isEqualTo("OK");
    assertThatThrownBy(setAfter::get).hasMessage(DROPPED);
    assertThatThrownBy(getAfter::get).hasMessage(DROPPED);
    assertThat(SafeEncoder.encode((byte[]) back.get())).isEqualTo("OK");
    assertThat(inDefault.get()).isEqualTo("in-default");
  }

  @Test
  void pipelinedCommandsOfASessionWhoseCacheAnotherClientDroppedFailUntilItSelectsAgain() {
    assertThat(send(a, "SELECT", "b")).isEqualTo("OK");
    a.set("k", "in-b");
    assertThat(send(admin, "CACHE", "DROP", "b")).isEqualTo("OK");
    Pipeline p = a.pipelined();
    Response<String> set = p.set("k", "lost");
    Response<Long> del = p.del("k");
    Response<Object> back = p.sendCommand(Protocol.Command.SELECT, "default");
    Response<String> get = p.get("k");
    Response<String> setDefault = p.set("k2", "kept");
    p.sync();
    assertThatThrownBy(set::get).hasMessage(DROPPED);
    assertThatThrownBy(del::get).hasMessage(DROPPED);
    assertThat(SafeEncoder.encode((byte[]) back.get())).isEqualTo("OK");
    assertThat(get.get()).isEqualTo("in-default");
    assertThat(setDefault.get()).isEqualTo("OK");
    assertThat(admin.get("k")).isEqualTo("in-default");
    assertThat(admin.get("k2")).isEqualTo("kept");
  }

  @Test
  void cacheUseOfAMissingCacheLeavesNoCacheSoPipelinedCommandsBehindItRunNowhere() {
    assertThat(send(a, "SELECT", "b")).isEqualTo("OK");
    Pipeline p = a.pipelined();
    Response<Object> use = p.sendCommand(() -> SafeEncoder.encode("CACHE"), "USE", "ghost");
    Response<String> set = p.set("k", "lost");
    Response<String> get = p.get("k");
    p.sync();
    assertThatThrownBy(use::get).hasMessage("ERR no such cache 'ghost' (CACHE CREATE makes one)");
    assertThatThrownBy(set::get)
        .hasMessage("ERR cache 'ghost' does not exist; SELECT another cache");
    assertThatThrownBy(get::get)
        .hasMessage("ERR cache 'ghost' does not exist; SELECT another cache");
    assertThat(adminGet("b", "k")).isNull();
    assertThat(admin.get("k")).isEqualTo("in-default");
    assertThat(clientListLineOf(a)).endsWith(" cache=ghost:missing");

    // Bound by name: once ghost exists the session reaches it. CACHE USE of a cache that exists
    // is SELECT.
    assertThat(send(admin, "CACHE", "CREATE", "ghost")).isEqualTo("OK");
    a.set("k", "in-ghost");
    assertThat(adminGet("ghost", "k")).isEqualTo("in-ghost");
    assertThat(send(a, "CACHE", "USE", "default")).isEqualTo("OK");
    assertThat(a.get("k")).isEqualTo("in-default");
  }

  @Test
  void plainSelectOfAMissingCacheKeepsRedisSemanticsAndTheCurrentCache() {
    assertThat(send(a, "SELECT", "b")).isEqualTo("OK");
    assertThatThrownBy(() -> send(a, "SELECT", "ghost"))
        .hasMessage("ERR no such cache 'ghost' (CACHE CREATE makes one)");
    a.set("k", "in-b");
    assertThat(adminGet("b", "k")).isEqualTo("in-b");
  }

  @Test
  void sessionsThatSelectedACacheAmidDropsAndCreatesRefuseWritesOnceItIsGone()
      throws Exception {
    int clients = 4;
    int rounds = 300;
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Jedis> racers = new ArrayList<>();
    try {
      List<Future<Boolean>> selectedB = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        Jedis c = new Jedis(new HostAndPort("127.0.0.1", fixture.port()));
        racers.add(c);
        selectedB.add(pool.submit(() -> {
          boolean ever = false;
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          for (int n = 0; n < 100_000 && !done.get() && System.nanoTime() < deadline; n++) {
            try {
              ever |= "OK".equals(send(c, "SELECT", "b"));
            } catch (JedisDataException e) {
              assertThat(e).hasMessageStartingWith("ERR no such cache 'b'");
            }
          }
          return ever;
        }));
      }
      for (int round = 0; round < rounds; round++) {
        assertThat(send(admin, "CACHE", "DROP", "b")).isEqualTo("OK");
        assertThat(send(admin, "CACHE", "CREATE", "b")).isEqualTo("OK");
      }
      assertThat(send(admin, "CACHE", "DROP", "b")).isEqualTo("OK");
      done.set(true);
      for (int i = 0; i < clients; i++) {
        boolean everSelectedB = selectedB.get(i).get(30, TimeUnit.SECONDS);
        Jedis c = racers.get(i);
        // Every b is gone: a session that ever selected b must refuse the write.
        if (everSelectedB) {
          assertThatThrownBy(() -> c.set("raced", "lost")).hasMessage(DROPPED);
        } else {
          assertThat(c.set("raced", "in-default")).isEqualTo("OK");
        }
      }
      assertThat(admin.get("k")).isEqualTo("in-default");
    } finally {
      done.set(true);
      pool.shutdownNow();
      racers.forEach(Jedis::close);
    }
  }
}
