package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.agent.upstream.ReplyFramer.ErrorReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * GGET/GSET/GDEL act on the node's cache of the name the session SELECTed on the agent, over
 * the shared pipelined upstream connections; the near cache keeps one cache's copy from another
 * cache's sessions; a cache the node lacks gives a clear error for that command only. Real node
 * process, real sockets; one I/O thread, so every session shares one upstream connection.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentNamedCacheTest {
  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent agent;
  private RespClient direct;

  @BeforeEach
  void startNode() throws Exception {
    node = NodeProcess.start(0);
    direct = RespClient.tcp(node.port());
    for (String cache : new String[] {"a", "b"}) {
      assertThat(direct.call("CACHE", "CREATE", cache)).isEqualTo("OK");
    }
    assertThat(direct.call("SET", "k", "in-default")).isEqualTo("OK");
    nodeSet("a", "k", "in-a");
    nodeSet("b", "k", "in-b");
  }

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(agent, direct, node);
  }

  private void agent(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--unixsocket", dir.resolve("a.sock").toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--io-threads", "1"));
    args.addAll(List.of(extra));
    agent = new TiercelAgent(AgentConfig.parse(args.toArray(String[]::new))).start();
    try (RespClient c = client()) {
      // The agent's sessions SELECT its local caches; "ghost" exists on the agent only.
      for (String cache : new String[] {"a", "b", "ghost"}) {
        assertThat(c.call("CACHE", "CREATE", cache)).isEqualTo("OK");
      }
    }
  }

  private RespClient client() throws Exception {
    return RespClient.unix(dir.resolve("a.sock"));
  }

  private void nodeSet(String cache, String key, String value) throws Exception {
    assertThat(direct.call("SELECT", cache)).isEqualTo("OK");
    assertThat(direct.call("SET", key, value)).isEqualTo("OK");
    assertThat(direct.call("SELECT", "default")).isEqualTo("OK");
  }

  private Object nodeGet(String cache, String key) throws Exception {
    assertThat(direct.call("SELECT", cache)).isEqualTo("OK");
    Object v = direct.call("GET", key);
    assertThat(direct.call("SELECT", "default")).isEqualTo("OK");
    return v;
  }

  @Test
  void ggetGsetGdelActOnTheNodesCacheOfTheSelectedName() throws Exception {
    agent();
    try (RespClient c = client()) {
      assertThat(c.call("GGET", "k")).isEqualTo("in-default");
      assertThat(c.call("SELECT", "a")).isEqualTo("OK");
      assertThat(c.call("GGET", "k")).isEqualTo("in-a");
      assertThat(c.call("SELECT", "b")).isEqualTo("OK");
      assertThat(c.call("GGET", "k")).isEqualTo("in-b");

      assertThat(c.call("GSET", "k", "b2")).isEqualTo("OK");
      assertThat(nodeGet("b", "k")).isEqualTo("b2");
      assertThat(nodeGet("a", "k")).isEqualTo("in-a");
      assertThat(c.call("SELECT", "a")).isEqualTo("OK");
      assertThat(c.call("GDEL", "k")).isEqualTo(1L);
      assertThat(nodeGet("a", "k")).isNull();
      assertThat(nodeGet("b", "k")).isEqualTo("b2");
      assertThat(direct.call("GET", "k")).isEqualTo("in-default");
    }
  }

  @Test
  void pipelinedSessionsOfDifferentCachesShareOneUpstreamConnectionAndEachGetsItsCache()
      throws Exception {
    agent();
    try (RespClient one = client(); RespClient two = client()) {
      assertThat(one.call("SELECT", "a")).isEqualTo("OK");
      assertThat(two.call("SELECT", "b")).isEqualTo("OK");
      for (int round = 0; round < 50; round++) {
        one.sendAll(List.of(new String[] {"GGET", "k"}, new String[] {"SELECT", "b"},
            new String[] {"GGET", "k"}, new String[] {"SELECT", "default"},
            new String[] {"GGET", "k"}, new String[] {"SELECT", "a"},
            new String[] {"GGET", "k"}));
        two.sendAll(List.of(new String[] {"GGET", "k"}, new String[] {"GSET", "r", "b" + round},
            new String[] {"GGET", "r"}));
        assertThat(one.read()).isEqualTo("in-a");
        assertThat(one.read()).isEqualTo("OK");
        assertThat(one.read()).isEqualTo("in-b");
        assertThat(one.read()).isEqualTo("OK");
        assertThat(one.read()).isEqualTo("in-default");
        assertThat(one.read()).isEqualTo("OK");
        assertThat(one.read()).isEqualTo("in-a");
        assertThat(two.read()).isEqualTo("in-b");
        assertThat(two.read()).isEqualTo("OK");
        assertThat(two.read()).isEqualTo("b" + round);
      }
      assertThat(nodeGet("b", "r")).isEqualTo("b49");
      assertThat(nodeGet("a", "r")).isNull();
      assertThat(direct.call("GET", "r")).isNull();
    }
  }

  @Test
  void nearCacheNeverServesOneCachesCopyForAnotherCachesKey() throws Exception {
    agent("--near-cache", "a,b");
    Poll.until("near cache tracking", 20, () -> agent.info().contains("near_cache_tracking:1"));
    try (RespClient inA = client(); RespClient inB = client()) {
      assertThat(inA.call("SELECT", "a")).isEqualTo("OK");
      assertThat(inB.call("SELECT", "b")).isEqualTo("OK");
      awaitCopy(inA, "in-a");
      awaitCopy(inB, "in-b");
      for (int i = 0; i < 20; i++) {
        assertThat(inA.call("GGET", "k")).isEqualTo("in-a");
        assertThat(inB.call("GGET", "k")).isEqualTo("in-b");
      }
      // A write of k in cache a drops a's copy (and b's: invalidations name no cache).
      nodeSet("a", "k", "a2");
      Poll.until("a's copy invalidated", 10, () -> "a2".equals(inA.call("GGET", "k")));
      assertThat(inB.call("GGET", "k")).isEqualTo("in-b");
      // A GSET through the agent in b drops b's copy at once; a's stays a's.
      awaitCopy(inB, "in-b");
      assertThat(inB.call("GSET", "k", "b2")).isEqualTo("OK");
      assertThat(inB.call("GGET", "k")).isEqualTo("b2");
      Poll.until("a reads its own value", 10, () -> "a2".equals(inA.call("GGET", "k")));
      awaitCopy(inA, "a2");
      assertThat(inB.call("GGET", "k")).isEqualTo("b2");
      assertThat(nodeGet("a", "k")).isEqualTo("a2");
    }
  }

  /** GGETs until the reply is a near hit. */
  private void awaitCopy(RespClient c, String value) throws Exception {
    Poll.until("a near copy of " + value, 10, () -> {
      long before = agent.nearCache().hits();
      return value.equals(c.call("GGET", "k")) && agent.nearCache().hits() > before;
    });
  }

  @Test
  void cacheMissingOnTheNodeFailsThatSessionsCommandsClearlyAndOthersKeepWorking()
      throws Exception {
    agent();
    try (RespClient ghost = client(); RespClient other = client()) {
      assertThat(ghost.call("SELECT", "ghost")).isEqualTo("OK");
      assertThat(other.call("SELECT", "a")).isEqualTo("OK");
      for (int round = 0; round < 20; round++) {
        ghost.sendAll(List.of(new String[] {"GGET", "k"}, new String[] {"GSET", "k", "lost"},
            new String[] {"GDEL", "k"}, new String[] {"GET", "local"}));
        other.sendAll(List.of(new String[] {"GGET", "k"}, new String[] {"SELECT", "default"},
            new String[] {"GGET", "k"}, new String[] {"SELECT", "a"}));
        for (int i = 0; i < 3; i++) {
          Object r = ghost.read();
          assertThat(r).isInstanceOf(ErrorReply.class);
          assertThat(((ErrorReply) r).message())
              .startsWith("ERR upstream: SELECT ghost failed on node 127.0.0.1:" + node.port())
              .contains("no such cache 'ghost'");
        }
        assertThat(ghost.read()).isNull();
        assertThat(other.read()).isEqualTo("in-a");
        assertThat(other.read()).isEqualTo("OK");
        assertThat(other.read()).isEqualTo("in-default");
        assertThat(other.read()).isEqualTo("OK");
      }
      assertThat(direct.call("GET", "k")).as("GSET in ghost wrote nowhere").isEqualTo("in-default");
      assertThat(nodeGet("a", "k")).isEqualTo("in-a");

      // Once the node has the cache, the next command finds it.
      assertThat(direct.call("CACHE", "CREATE", "ghost")).isEqualTo("OK");
      assertThat(ghost.call("GSET", "k", "found")).isEqualTo("OK");
      assertThat(ghost.call("GGET", "k")).isEqualTo("found");
      assertThat(nodeGet("ghost", "k")).isEqualTo("found");
    }
  }

  private static void assertUpstreamError(Object reply, String startsWith, String contains) {
    assertThat(reply).isInstanceOf(ErrorReply.class);
    assertThat(((ErrorReply) reply).message()).startsWith(startsWith).contains(contains);
  }

  @Test
  void requestForACacheDroppedOnTheNodeAfterItsProbeFailsAndDoesNotRunInThePreviousCache()
      throws Exception {
    agent();
    String selectFailed = "ERR upstream: SELECT b failed on node 127.0.0.1:" + node.port();
    try (RespClient inB = client(); RespClient inA = client()) {
      assertThat(inB.call("SELECT", "b")).isEqualTo("OK");
      assertThat(inA.call("SELECT", "a")).isEqualTo("OK");
      // One upstream connection: the probe of b succeeds, then the connection switches to a.
      assertThat(inB.call("GGET", "k")).isEqualTo("in-b");
      assertThat(inA.call("GGET", "k")).isEqualTo("in-a");
      assertThat(direct.call("CACHE", "DROP", "b")).isEqualTo("OK");

      // b is known, so its switch is pipelined with the writes; it fails on the node, and the
      // writes behind it must not run in a, the connection's previous cache.
      inB.sendAll(List.of(new String[] {"GSET", "k", "lost"}, new String[] {"GDEL", "k"},
          new String[] {"GSET", "new", "lost"}));
      for (int i = 0; i < 3; i++) {
        assertUpstreamError(inB.read(), selectFailed, "no such cache 'b'");
      }
      assertThat(nodeGet("a", "k")).isEqualTo("in-a");
      assertThat(nodeGet("a", "new")).isNull();
      assertThat(direct.call("GET", "k")).isEqualTo("in-default");
      assertThat(direct.call("EXISTS", "new")).isEqualTo(0L);

      // The other session's cache still works; b is probed again (and still missing).
      assertThat(inA.call("GGET", "k")).isEqualTo("in-a");
      assertUpstreamError(inB.call("GGET", "k"), selectFailed, "no such cache 'b'");

      // Re-created on the node, b is found by the next use.
      assertThat(direct.call("CACHE", "CREATE", "b")).isEqualTo("OK");
      assertThat(inB.call("GSET", "k", "new-b")).isEqualTo("OK");
      assertThat(nodeGet("b", "k")).isEqualTo("new-b");
      assertThat(nodeGet("a", "k")).isEqualTo("in-a");
    }
  }

  @Test
  void requestForACacheDroppedOnTheNodeWhileTheConnectionHasItSelectedFailsAndWritesNowhere()
      throws Exception {
    agent();
    try (RespClient inB = client(); RespClient inA = client()) {
      assertThat(inB.call("SELECT", "b")).isEqualTo("OK");
      assertThat(inA.call("SELECT", "a")).isEqualTo("OK");
      assertThat(inB.call("GGET", "k")).isEqualTo("in-b");
      assertThat(direct.call("CACHE", "DROP", "b")).isEqualTo("OK");

      // No switch is written (the connection has b selected); the node's session has no cache.
      inB.sendAll(List.of(new String[] {"GSET", "k", "lost"}, new String[] {"GGET", "k"}));
      for (int i = 0; i < 2; i++) {
        assertUpstreamError(inB.read(),
            "ERR upstream: cache b on node 127.0.0.1:" + node.port(),
            "ERR cache 'b' was dropped; SELECT another cache");
      }
      assertThat(direct.call("GET", "k")).as("not moved to default").isEqualTo("in-default");
      assertThat(nodeGet("a", "k")).isEqualTo("in-a");

      // The connection switches away and back as usual; b is probed again.
      assertThat(inA.call("GGET", "k")).isEqualTo("in-a");
      assertUpstreamError(inB.call("GSET", "k", "lost"),
          "ERR upstream: SELECT b failed on node 127.0.0.1:" + node.port(), "no such cache 'b'");
      assertThat(direct.call("GET", "k")).isEqualTo("in-default");
      assertThat(nodeGet("a", "k")).isEqualTo("in-a");
    }
  }

  @Test
  void globalAndSyncCommandsOfASessionWhoseLocalCacheWasDroppedAnswerTheDroppedError()
      throws Exception {
    agent();
    try (RespClient inB = client(); RespClient admin = client()) {
      assertThat(inB.call("SELECT", "b")).isEqualTo("OK");
      assertThat(inB.call("GGET", "k")).isEqualTo("in-b");
      assertThat(admin.call("CACHE", "DROP", "b")).isEqualTo("OK");
      String dropped = "ERR cache 'b' was dropped; SELECT another cache";
      for (String[] command : List.of(new String[] {"GGET", "k"},
          new String[] {"GSET", "k", "lost"}, new String[] {"GDEL", "k"},
          new String[] {"SET", "k", "lost", "SYNC"}, new String[] {"DEL", "k", "SYNC"},
          new String[] {"SET", "k", "lost"}, new String[] {"GET", "k"})) {
        Object reply = inB.call(command);
        assertThat(reply).as(String.join(" ", command)).isInstanceOf(ErrorReply.class);
        assertThat(((ErrorReply) reply).message()).isEqualTo(dropped);
      }
      assertThat(nodeGet("b", "k")).isEqualTo("in-b");
      assertThat(inB.call("SELECT", "default")).isEqualTo("OK");
      assertThat(inB.call("GGET", "k")).isEqualTo("in-default");
      assertThat(inB.call("GET", "k")).isNull();
    }
  }
}
