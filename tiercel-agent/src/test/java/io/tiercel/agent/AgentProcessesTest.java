package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.agent.sync.SyncMessage;
import io.tiercel.agent.upstream.ReplyFramer.ErrorReply;
import io.tiercel.core.KeySlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * A real node and two real agents, each in its own JVM ({@code AgentMain}, as {@code bin/tiercel
 * agent} starts it) with its own UNIX socket, driven only through RESP clients on those sockets:
 * SYNC travels from one agent process to the other, concurrent writers on both converge on the
 * write with the highest stamp, the sync lag is recorded, and the survivors keep working when the
 * node or an agent is killed with SIGKILL. Every wait is a bounded poll; every process is killed
 * by its PID in teardown.
 */
class AgentProcessesTest {
  /** A bound on sync lag far above loopback's (milliseconds), to catch a broken clock or unit. */
  private static final long LAG_BOUND_US = 10_000_000;

  @TempDir Path dir;
  private NodeProcess node;
  private AgentProcess a;
  private AgentProcess b;
  private AgentProcess restartedA;
  private RespClient ca;
  private RespClient cb;

  @BeforeEach
  void start() throws Exception {
    node = NodeProcess.start(0);
    a = AgentProcess.launch(dir.resolve("a.sock"), node.port());
    b = AgentProcess.launch(dir.resolve("b.sock"), node.port());
    a.awaitReady();
    b.awaitReady();
    ca = a.client();
    cb = b.client();
    awaitSubscribed("A", ca);
    awaitSubscribed("B", cb);
  }

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(ca, cb, a, b, restartedA, node);
  }

  private static void awaitSubscribed(String agent, RespClient c) throws Exception {
    Poll.until(agent + " subscribed to the node", 20,
        () -> "1".equals(InfoFields.agent(c, "sync_subscribed")));
  }

  /** Waits until {@code c}'s agent holds {@code value} (null: nothing) for {@code key}. */
  private static void awaitValue(String agent, RespClient c, String key, String value)
      throws Exception {
    Poll.until(agent + " has " + key + "=" + value, 10,
        () -> Objects.equals(value, c.call("GET", key)));
  }

  @Test
  void setSyncOnOneAgentProcessIsReadLocallyOnTheOtherAndDelSyncRemovesIt() throws Exception {
    assertThat(ca.call("SET", "plain", "only-a")).isEqualTo("OK");
    assertThat(ca.call("SET", "k", "v", "SYNC")).isEqualTo("OK");
    awaitValue("B", cb, "k", "v");
    assertThat(cb.call("GET", "plain")).as("a SET without SYNC stays on A").isNull();
    assertThat(ca.call("GET", "plain")).isEqualTo("only-a");

    assertThat(ca.call("DEL", "k", "SYNC")).isEqualTo(1L);
    awaitValue("B", cb, "k", null);
    assertThat(ca.call("GET", "k")).isNull();
    // B counts an apply just after the value is visible.
    Poll.until("B counted both applies", 10,
        () -> InfoFields.agentNumber(cb, "sync_applied") == 2);
    assertThat(InfoFields.agentNumber(ca, "sync_applied")).as("A is not sent its own writes")
        .isZero();
  }

  /**
   * Two writers on A and one on B write the same three keys with SYNC, each its own increasing
   * values. The design (docs/architecture.md, SYNC) orders writes by their stamp (hybrid-clock
   * version, then origin), taken on the writing agent, not by the node's sequence: a write
   * stamped earlier may be sequenced later, and then loses everywhere. So what must hold is that
   * both agents end with the value of the highest-stamped write the node sequenced for each key,
   * read back from the node's own backlog ({@code SYNCHUB REPLAY}). Since one connection's
   * writes are stamped in order, that is also the last value of one of the writers.
   */
  @Test
  void concurrentSyncWritersOnBothAgentProcessesConvergeOnTheHighestStampedWrite()
      throws Exception {
    int writes = 300;
    String[] keys = {"hot:0", "hot:1", "hot:2"};
    String[] writers = {"a1", "a2", "b1"};
    ExecutorService pool = Executors.newFixedThreadPool(writers.length);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (String writer : writers) {
        AgentProcess agent = writer.startsWith("a") ? a : b;
        done.add(pool.submit(() -> {
          try (RespClient c = agent.client()) {
            for (int i = 0; i < writes; i++) {
              assertThat(c.call("SET", keys[i % keys.length], value(writer, i), "SYNC"))
                  .isEqualTo("OK");
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
    // Every write of the other agent reaches each agent once, applied or found older.
    Poll.until("B received A's writes", 20, () -> InfoFields.agentNumber(cb, "sync_applied")
        + InfoFields.agentNumber(cb, "sync_ignored_old") == 2L * writes);
    Poll.until("A received B's writes", 20, () -> InfoFields.agentNumber(ca, "sync_applied")
        + InfoFields.agentNumber(ca, "sync_ignored_old") == writes);

    try (RespClient direct = RespClient.tcp(node.port())) {
      for (int k = 0; k < keys.length; k++) {
        String key = keys[k];
        List<SyncMessage> sequenced = sequencedWrites(direct, key);
        assertThat(sequenced).as("every write of " + key + " sequenced once")
            .hasSize(writers.length * writes / keys.length);
        SyncMessage newest = sequenced.get(0);
        for (SyncMessage m : sequenced) {
          if (m.stamp().isNewerThan(newest.stamp())) {
            newest = m;
          }
        }
        String winner = new String(newest.value(), StandardCharsets.UTF_8);
        Poll.until("both agents hold " + key + "=" + winner, 20,
            () -> winner.equals(ca.call("GET", key)) && winner.equals(cb.call("GET", key)));
        int last = writes - keys.length + k;
        assertThat(winner).isIn(value("a1", last), value("a2", last), value("b1", last));
      }
    }
    // The node never sends an agent its own messages and TCP loses none: no false gaps.
    for (RespClient c : new RespClient[] {ca, cb}) {
      assertThat(InfoFields.agentNumber(c, "sync_missed")).isZero();
      assertThat(InfoFields.agentNumber(c, "sync_quarantined")).isZero();
    }
  }

  private static String value(String writer, int i) {
    return String.format("%s-%04d", writer, i);
  }

  /** Returns the SYNC messages for {@code key} the node sequenced, from its replay backlog. */
  private static List<SyncMessage> sequencedWrites(RespClient node, String key)
      throws Exception {
    int slot = KeySlot.of(key.getBytes(StandardCharsets.UTF_8));
    node.send("SYNCHUB", "REPLAY", Integer.toString(slot), "0");
    List<?> reply = (List<?>) node.readRaw();
    assertThat(reply.get(1)).as("the backlog holds every message of slot " + slot)
        .isEqualTo(1L);
    List<SyncMessage> out = new ArrayList<>();
    for (int i = 3; i < reply.size(); i += 2) {
      SyncMessage m = SyncMessage.decode((byte[]) reply.get(i));
      if (new String(m.key(), StandardCharsets.UTF_8).equals(key)) {
        out.add(m);
      }
    }
    return out;
  }

  @Test
  void syncLagOfAppliedMessagesIsRecordedInInfoAgent() throws Exception {
    assertThat(InfoFields.agentNumber(cb, "sync_lag_max_us")).as("nothing applied yet").isZero();
    int writes = 50;
    for (int i = 0; i < writes; i++) {
      assertThat(ca.call("SET", "lag:" + i, Integer.toString(i), "SYNC")).isEqualTo("OK");
    }
    Poll.until("B applied A's writes", 10,
        () -> InfoFields.agentNumber(cb, "sync_applied") == writes);
    long p50 = InfoFields.agentNumber(cb, "sync_lag_p50_us");
    long p99 = InfoFields.agentNumber(cb, "sync_lag_p99_us");
    long max = InfoFields.agentNumber(cb, "sync_lag_max_us");
    assertThat(p50).isPositive();
    assertThat(p99).isBetween(p50, LAG_BOUND_US);
    assertThat(max).isBetween(p99, LAG_BOUND_US);
    assertThat(InfoFields.agentNumber(ca, "sync_lag_max_us")).as("A applied nothing").isZero();
  }

  @Test
  void nodeKilledWithSigkillGivesPromptErrorsThenAgentsResubscribeAfterRestartOnSamePort()
      throws Exception {
    int port = node.port();
    assertThat(ca.call("SET", "s", "before", "SYNC")).isEqualTo("OK");
    awaitValue("B", cb, "s", "before");
    assertThat(ca.call("GSET", "g", "1")).isEqualTo("OK");

    node.kill();
    Object err = cb.callWithin(10, "GGET", "g");
    assertThat(err).isInstanceOf(ErrorReply.class);
    assertThat(((ErrorReply) err).message()).startsWith("ERR node 127.0.0.1:" + port);
    Poll.until("A and B notice the node is gone", 20,
        () -> "0".equals(InfoFields.agent(ca, "sync_subscribed"))
            && "0".equals(InfoFields.agent(cb, "sync_subscribed")));
    assertThat(cb.callWithin(10, "GET", "s")).as("synced key dropped, not served stale")
        .isNull();
    Object refused = ca.callWithin(10, "SET", "s", "during", "SYNC");
    assertThat(((ErrorReply) refused).message()).contains("SYNC unavailable");
    assertThat(ca.callWithin(10, "GGET", "g")).isInstanceOf(ErrorReply.class);

    node = NodeProcess.start(port);
    awaitSubscribed("A", ca);
    awaitSubscribed("B", cb);
    Poll.until("GGET works again", 20, () -> cb.call("GGET", "g") == null);
    assertThat(ca.call("SET", "s", "after", "SYNC")).isEqualTo("OK");
    awaitValue("B", cb, "s", "after");
    assertThat(cb.call("DEL", "s", "SYNC")).isEqualTo(1L);
    awaitValue("A", ca, "s", null);
  }

  @Test
  void agentKilledWithSigkillLeavesNodeAndOtherAgentServingAndANewAgentTakesItsSocket()
      throws Exception {
    Path socketA = dir.resolve("a.sock");
    assertThat(ca.call("SET", "from-a", "1", "SYNC")).isEqualTo("OK");
    awaitValue("B", cb, "from-a", "1");

    ca.close();
    ca = null;
    a.kill();
    assertThat(a.isAlive()).isFalse();
    assertThat(Files.exists(socketA)).as("SIGKILL leaves the socket file behind").isTrue();
    assertThat(b.isAlive()).isTrue();
    assertThat(cb.callWithin(10, "GET", "from-a")).isEqualTo("1");
    assertThat(cb.callWithin(10, "SET", "from-b", "1", "SYNC")).isEqualTo("OK");
    assertThat(cb.callWithin(10, "GSET", "g", "2")).isEqualTo("OK");
    try (RespClient direct = RespClient.tcp(node.port())) {
      assertThat(direct.callWithin(10, "GET", "g")).isEqualTo("2");
    }
    assertThat(InfoFields.agent(cb, "sync_subscribed")).isEqualTo("1");

    restartedA = AgentProcess.launch(socketA, node.port()).awaitReady();
    ca = restartedA.client();
    awaitSubscribed("new A", ca);
    assertThat(ca.call("GGET", "g")).isEqualTo("2");
    assertThat(ca.call("GET", "from-b")).as("written before it started").isNull();
    assertThat(cb.call("SET", "k", "v2", "SYNC")).isEqualTo("OK");
    awaitValue("new A", ca, "k", "v2");
    assertThat(ca.call("SET", "k", "v3", "SYNC")).isEqualTo("OK");
    awaitValue("B", cb, "k", "v3");
  }
}
