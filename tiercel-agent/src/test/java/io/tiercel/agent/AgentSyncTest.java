package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.agent.upstream.ReplyFramer.ErrorReply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node (child JVM) and two agents: local commands stay local, GGET/GSET/GDEL reach the
 * node, SET/DEL ... SYNC reach the other agent in version order, and a node killed with SIGKILL
 * makes the agents refuse global work and drop synced keys until it is back.
 */
class AgentSyncTest {
  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent a;
  private TiercelAgent b;

  @BeforeEach
  void start() throws Exception {
    node = NodeProcess.start(0);
    a = agent("a.sock");
    b = agent("b.sock");
    awaitSubscribed(a);
    awaitSubscribed(b);
  }

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(a, b, node);
  }

  private TiercelAgent agent(String socket) throws Exception {
    AgentConfig config = AgentConfig.parse("--unixsocket", dir.resolve(socket).toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--io-threads", "2", "--maxmemory", "64mb");
    return new TiercelAgent(config).start();
  }

  private static void awaitSubscribed(TiercelAgent agent) throws Exception {
    Poll.until("agent subscribed", 20, () -> agent.synchronizer().subscribed());
  }

  private RespClient client(String socket) throws Exception {
    return RespClient.unix(dir.resolve(socket));
  }

  @Test
  void plainSetStaysLocalWhileSetSyncReachesTheOtherAgent() throws Exception {
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      assertThat(ca.call("SET", "local", "1")).isEqualTo("OK");
      assertThat(ca.call("GET", "local")).isEqualTo("1");
      assertThat(cb.call("GET", "local")).isNull();

      assertThat(ca.call("SET", "shared", "v1", "EX", "100", "SYNC")).isEqualTo("OK");
      Poll.until("B sees shared=v1", 10, () -> "v1".equals(cb.call("GET", "shared")));
      assertThat((Long) cb.call("TTL", "shared")).isBetween(1L, 100L);
      assertThat(a.stats().syncApplied()).isZero();

      assertThat(cb.call("DEL", "shared", "SYNC")).isEqualTo(1L);
      Poll.until("A sees shared deleted", 10, () -> ca.call("GET", "shared") == null);
      // B applied A's SET before this point but counts it just after the value is visible.
      Poll.until("B counted the apply", 10, () -> b.stats().syncApplied() >= 1);
      assertThat(b.stats().syncApplied()).isEqualTo(1);
      assertThat(String.valueOf(cb.call("INFO", "agent"))).contains("sync_applied:1\r\n");
      assertThat(cb.call("CONFIG", "RESETSTAT")).isEqualTo("OK");
      assertThat(String.valueOf(cb.call("INFO", "agent")))
          .contains("sync_applied:0\r\n", "sync_lag_p99_us:0\r\n");
    }
  }

  @Test
  void syncedValuesOfEveryLengthArriveWholeThroughTheReceiversReusedBuffer() throws Exception {
    // The receiver reads pushes of up to 64 KiB into one reused array and larger ones apart:
    // long, short, past the array's bound, then short again, each must arrive exactly.
    String[] values = {"x".repeat(3000), "s", "y".repeat(70_000), "tt", "", "z".repeat(600)};
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      for (int i = 0; i < values.length; i++) {
        assertThat(ca.call("SET", "len" + i, values[i], "SYNC")).isEqualTo("OK");
      }
      Poll.until("B applied every value", 10, () -> b.stats().syncApplied() >= values.length);
      for (int i = 0; i < values.length; i++) {
        assertThat(cb.call("GET", "len" + i)).as("value %d", i).isEqualTo(values[i]);
      }
    }
  }

  @Test
  void syncForACacheTheReceivingAgentLacksIsCountedAndAppliedNowhere() throws Exception {
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      assertThat(ca.call("CACHE", "CREATE", "only-a")).isEqualTo("OK");
      assertThat(ca.call("SELECT", "only-a")).isEqualTo("OK");
      assertThat(ca.call("SET", "k", "v1", "SYNC")).isEqualTo("OK");
      assertThat(ca.call("SET", "k2", "v1", "SYNC")).isEqualTo("OK");
      // The hub delivers A's messages to B in publish order: once the marker is applied in
      // default, both changes for only-a were handled before it.
      assertThat(ca.call("SELECT", "default")).isEqualTo("OK");
      assertThat(ca.call("SET", "marker", "1", "SYNC")).isEqualTo("OK");
      Poll.until("B applied the marker", 10, () -> "1".equals(cb.call("GET", "marker")));
      assertThat(b.stats().syncUnknownCache()).isEqualTo(2);
      assertThat(String.valueOf(cb.call("INFO", "agent"))).contains("sync_unknown_cache:2\r\n");
      assertThat(cb.call("GET", "k")).as("not applied to B's default cache").isNull();
      assertThat(cb.call("DBSIZE")).isEqualTo(1L);
      assertThat(a.stats().syncUnknownCache()).isZero();

      // Once B has the cache, later changes are applied to it.
      assertThat(cb.call("CACHE", "CREATE", "only-a")).isEqualTo("OK");
      assertThat(ca.call("SELECT", "only-a")).isEqualTo("OK");
      assertThat(ca.call("SET", "k", "v2", "SYNC")).isEqualTo("OK");
      assertThat(cb.call("SELECT", "only-a")).isEqualTo("OK");
      Poll.until("B applied k in only-a", 10, () -> "v2".equals(cb.call("GET", "k")));
      assertThat(b.stats().syncUnknownCache()).isEqualTo(2);
    }
  }

  @Test
  void ggetSentAsSoonAsStartReturnsReachesTheNode() throws Exception {
    try (RespClient direct = RespClient.tcp(node.port())) {
      assertThat(direct.call("SET", "early", "v")).isEqualTo("OK");
    }
    for (int i = 0; i < 3; i++) {
      String socket = "fresh" + i + ".sock";
      try (TiercelAgent fresh = agent(socket); RespClient c = client(socket)) {
        // No wait: start() returned after the request connections' first connect attempts.
        assertThat(c.call("GGET", "early")).isEqualTo("v");
        assertThat(fresh.stats().globalErrors.sum()).isZero();
      }
    }
  }

  @Test
  void globalCommandsGoToTheNodeAndRepliesStayInPipelineOrder() throws Exception {
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock");
        RespClient direct = RespClient.tcp(node.port())) {
      assertThat(ca.call("GSET", "g", "node-value")).isEqualTo("OK");
      assertThat(direct.call("GET", "g")).isEqualTo("node-value");
      assertThat(cb.call("GGET", "g")).isEqualTo("node-value");
      assertThat(cb.call("GET", "g")).isNull();
      ca.call("SET", "g", "agent-value");
      ca.send("GET", "g");
      ca.send("GGET", "g");
      ca.send("GET", "g");
      ca.send("GGET", "missing");
      ca.send("PING");
      assertThat(ca.read()).isEqualTo("agent-value");
      assertThat(ca.read()).isEqualTo("node-value");
      assertThat(ca.read()).isEqualTo("agent-value");
      assertThat(ca.read()).isNull();
      assertThat(ca.read()).isEqualTo("PONG");
      assertThat(ca.call("GDEL", "g")).isEqualTo(1L);
      assertThat(direct.call("EXISTS", "g")).isEqualTo(0L);
      assertThat(ca.call("GGET")).isInstanceOf(ErrorReply.class);
      assertThat(String.valueOf(ca.call("INFO", "agent"))).contains("global_commands:");
    }
  }

  @Test
  void concurrentSyncWritersOnBothAgentsConvergeToTheSameNewestValue() throws Exception {
    int writes = 300;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String socket : new String[] {"a.sock", "b.sock"}) {
        done.add(pool.submit(() -> {
          try (RespClient c = client(socket)) {
            for (int i = 0; i < writes; i++) {
              c.send("SET", "hot", socket + "-" + i, "SYNC");
            }
            for (int i = 0; i < writes; i++) {
              assertThat(c.read()).isEqualTo("OK");
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      Poll.until("both agents hold the same value", 20,
          () -> Objects.equals(ca.call("GET", "hot"), cb.call("GET", "hot")));
      String winner = (String) ca.call("GET", "hot");
      assertThat(winner).isNotNull();
      // Both hold the write with the highest stamp, which is the one each table remembers.
      assertThat(a.synchronizer().versions().stampOf("default", "hot".getBytes()))
          .isEqualTo(b.synchronizer().versions().stampOf("default", "hot".getBytes()));
    }
    for (TiercelAgent receiver : new TiercelAgent[] {a, b}) {
      Poll.until("each of the other agent's writes arrived once", 20,
          () -> receiver.stats().syncApplied() + receiver.stats().syncIgnoredOld() == writes);
    }
    // Each agent's own writes interleave (one slot) with the other's and are not sent back to
    // it: it learns their sequences from the publish replies, so no number looked lost.
    assertThat(a.stats().syncMissed() + b.stats().syncMissed()).as("false gaps").isZero();
    assertThat(a.stats().syncQuarantined() + b.stats().syncQuarantined()).isZero();
    assertThat(a.stats().syncRepaired() + b.stats().syncRepaired()).isZero();
  }

  @Test
  void killedNodeGivesErrorsAndDropsSyncedKeysThenEverythingWorksAfterRestart()
      throws Exception {
    int port = node.port();
    // B has two loops and its connections are spread over them: one of cb and cb2 is on a loop
    // other than the sync subscriber's, where nothing waits for the subscriber's own work.
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock");
        RespClient cb2 = client("b.sock")) {
      assertThat(ca.call("SET", "s", "before", "SYNC")).isEqualTo("OK");
      Poll.until("B sees s", 10, () -> "before".equals(cb.call("GET", "s")));
      cb.call("SET", "plain", "kept");

      node.kill();
      Poll.until("B notices the node is gone", 20, () -> !b.synchronizer().subscribed());
      // Once B says it is unsubscribed, no loop serves the synced key any more (both GETs are
      // sent before either reply is read, so neither waits behind the other's loop).
      cb.send("GET", "s");
      cb2.send("GET", "s");
      assertThat(cb.read()).as("synced key dropped, not served stale").isNull();
      assertThat(cb2.read()).as("synced key dropped on every loop").isNull();
      assertThat(cb.call("GET", "plain")).as("local-only keys stay").isEqualTo("kept");
      assertThat(b.stats().syncQuarantined()).isEqualTo(1);
      Object err = cb.call("GGET", "s");
      assertThat(err).isInstanceOf(ErrorReply.class);
      assertThat(((ErrorReply) err).message()).startsWith("ERR node 127.0.0.1:" + port);
      Object refused = cb.call("SET", "s", "during", "SYNC");
      assertThat(((ErrorReply) refused).message()).contains("SYNC unavailable");
      assertThat(cb.call("GET", "s")).isNull();

      node = NodeProcess.start(port);
      awaitSubscribed(a);
      awaitSubscribed(b);
      Poll.until("GGET works again", 20, () -> !(cb.call("GGET", "x") instanceof ErrorReply));
      assertThat(cb.call("SET", "s", "after", "SYNC")).isEqualTo("OK");
      Poll.until("A sees s=after", 10, () -> "after".equals(ca.call("GET", "s")));
    }
  }
}
