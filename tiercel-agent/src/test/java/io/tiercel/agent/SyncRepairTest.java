package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.core.KeySlot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missed SYNC messages, with a real node (child JVM) and two agents: the node's test hook
 * {@code SYNCHUB DEBUG DROPNEXT} loses a delivery, and the receiving agent must find out (by the
 * next sequence of the slot, by its periodic check, or on resubscription), never serve the old
 * value once it knows, and replay the lost message, or drop the slot's synced keys if the node's
 * backlog no longer has it. Keys share a slot through a hash tag ({@code {s}a}, {@code {s}b}).
 */
class SyncRepairTest {
  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent a;
  private TiercelAgent b;
  private RespClient direct;

  @BeforeEach
  void start() throws Exception {
    node = NodeProcess.startWithDebugHooks(0);
    direct = RespClient.tcp(node.port());
  }

  private void agents(String checkInterval) throws Exception {
    a = agent("a.sock", checkInterval);
    b = agent("b.sock", checkInterval);
    Poll.until("agents subscribed", 20,
        () -> a.synchronizer().subscribed() && b.synchronizer().subscribed());
  }

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(a, b, direct, node);
  }

  private TiercelAgent agent(String socket, String checkInterval) throws Exception {
    AgentConfig config = AgentConfig.parse("--unixsocket", dir.resolve(socket).toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--io-threads", "2", "--maxmemory", "64mb",
        "--sync-check-interval", checkInterval);
    return new TiercelAgent(config).start();
  }

  private RespClient client(String socket) throws Exception {
    return RespClient.unix(dir.resolve(socket));
  }

  /**
   * Waits until B has counted the replayed message: a replay applies each message (a reader on
   * another loop may see it at once) before the loop counts the batch as repaired.
   */
  private void awaitRepairCounted() throws Exception {
    Poll.until("B counted the repair", 10, () -> b.stats().syncRepaired() >= 1);
  }

  /** Sets {@code key} on A with SYNC and waits until B holds it. */
  private static void synced(RespClient ca, RespClient cb, String key, String value)
      throws Exception {
    assertThat(ca.call("SET", key, value, "SYNC")).isEqualTo("OK");
    Poll.until("B sees " + key + "=" + value, 10, () -> value.equals(cb.call("GET", key)));
  }

  @Test
  void lostMessageIsDetectedByTheNextOfItsSlotAndReplayedWithoutAStaleRead() throws Exception {
    agents("0");
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      synced(ca, cb, "{s}a", "v1");
      synced(ca, cb, "elsewhere", "kept");
      assertThat(direct.call("SYNCHUB", "DEBUG", "DROPNEXT", "1")).isEqualTo("OK");
      assertThat(ca.call("SET", "{s}a", "v2", "SYNC")).isEqualTo("OK");
      assertThat(ca.call("SET", "{s}b", "x", "SYNC")).isEqualTo("OK");
      Poll.until("B applied {s}b", 10, () -> "x".equals(cb.call("GET", "{s}b")));
      // B held {s}a before applying {s}b: from now on it is v2 or a miss, never v1.
      Poll.until("B repaired {s}a", 10, () -> {
        Object v = cb.call("GET", "{s}a");
        assertThat(v).as("no stale read after the gap was seen").isNotEqualTo("v1");
        return "v2".equals(v);
      });
      assertThat(cb.call("GET", "elsewhere")).as("other slots untouched").isEqualTo("kept");
      // The node never sends A its own messages: A learnt their sequences from the publish
      // replies, so the lost delivery is no gap for A and its copies were never held.
      assertThat(ca.call("GET", "{s}a")).isEqualTo("v2");
      assertThat(ca.call("GET", "{s}b")).isEqualTo("x");
    }
    awaitRepairCounted();
    assertThat(b.stats().syncMissed()).isEqualTo(1);
    assertThat(b.stats().syncRepaired()).isEqualTo(1);
    assertThat(b.stats().syncDropped()).isZero();
    assertThat(a.stats().syncMissed()).isZero();
    assertThat(a.stats().syncQuarantined()).isZero();
  }

  @Test
  void lostMessageWithNoLaterOneIsFoundByThePeriodicCheck() throws Exception {
    agents("50ms");
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      synced(ca, cb, "{t}a", "v1");
      assertThat(direct.call("SYNCHUB", "DEBUG", "DROPNEXT", "1")).isEqualTo("OK");
      assertThat(ca.call("SET", "{t}a", "v2", "SYNC")).isEqualTo("OK");
      Poll.until("B's check repaired {t}a", 20, () -> "v2".equals(cb.call("GET", "{t}a")));
      awaitRepairCounted();
      assertThat(String.valueOf(cb.call("INFO", "agent")))
          .contains("sync_missed:1\r\n", "sync_repaired:1\r\n", "sync_dropped:0\r\n");
    }
  }

  @Test
  void gapTheBacklogNoLongerHoldsDropsTheSlotsSyncedKeys() throws Exception {
    agents("0");
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      synced(ca, cb, "{u}a", "v1");
      synced(ca, cb, "{u}c", "c1");
      assertThat(direct.call("SYNCHUB", "DEBUG", "DROPNEXT", "1")).isEqualTo("OK");
      assertThat(ca.call("SET", "{u}a", "v2", "SYNC")).isEqualTo("OK");
      assertPublished("{u}a", 3);
      assertThat(direct.call("SYNCHUB", "DEBUG", "FORGET")).isEqualTo("OK");
      assertThat(ca.call("SET", "{u}b", "x", "SYNC")).isEqualTo("OK");
      Poll.until("B applied {u}b", 10, () -> "x".equals(cb.call("GET", "{u}b")));
      Poll.until("B's repair ended", 10, () -> b.stats().syncDropped() >= 2);
      assertThat(b.stats().syncDropped()).isEqualTo(2);
      assertThat(cb.call("GET", "{u}a")).as("dropped, not served stale").isNull();
      assertThat(cb.call("GET", "{u}c")).as("unverifiable, so dropped too").isNull();
      assertThat(cb.call("GET", "{u}b")).as("newer than the gap, kept").isEqualTo("x");
      assertThat(b.stats().syncMissed()).isEqualTo(1);
      assertThat(b.stats().syncRepaired()).isZero();
    }
  }

  @Test
  void subscriberCutOffCatchesUpOnResubscriptionAndRestoresUnchangedSlots() throws Exception {
    agents("0");
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      synced(ca, cb, "{r}a", "v1");
      synced(ca, cb, "steady", "same");
      assertThat(direct.call("SYNCHUB", "DEBUG", "DROPNEXT", "1")).isEqualTo("OK");
      assertThat(ca.call("SET", "{r}a", "v2", "SYNC")).isEqualTo("OK");
      assertPublished("{r}a", 2);
      long id = clientId(b.synchronizer().connectionName());
      assertThat(direct.call("CLIENT", "KILL", "ID", Long.toString(id))).isEqualTo(1L);
      Poll.until("B resubscribed and repaired", 20, () -> b.synchronizer().subscribed()
          && "v2".equals(cb.call("GET", "{r}a")));
      awaitRepairCounted();
      assertThat(cb.call("GET", "steady")).as("held, then restored").isEqualTo("same");
      assertThat(b.stats().syncQuarantined()).isEqualTo(2);
      assertThat(b.stats().syncRestored()).isEqualTo(1);
      assertThat(b.stats().syncMissed()).isEqualTo(1);
      assertThat(b.stats().syncRepaired()).isEqualTo(1);
      synced(ca, cb, "{r}a", "v3");
    }
  }

  @Test
  void restartedNodeIsANewEpochSoHeldKeysAreDroppedNotRestored() throws Exception {
    agents("0");
    int port = node.port();
    try (RespClient ca = client("a.sock"); RespClient cb = client("b.sock")) {
      synced(ca, cb, "k", "v1");
      direct.close();
      direct = null;
      node.kill();
      Poll.until("B lost the node", 20, () -> !b.synchronizer().subscribed());
      assertThat(cb.call("GET", "k")).as("held while the node is away").isNull();
      node = NodeProcess.start(port);
      Poll.until("A and B resubscribed", 30,
          () -> a.synchronizer().subscribed() && b.synchronizer().subscribed());
      assertThat(cb.call("GET", "k")).as("a restarted node cannot replay").isNull();
      assertThat(b.stats().syncDropped()).isEqualTo(1);
      // A's request connection may still be reconnecting: until it is, SET ... SYNC answers
      // an error (made locally only) rather than +OK, and the client repeats it.
      Poll.until("A publishes again", 30, () -> "OK".equals(ca.call("SET", "k", "v2", "SYNC")));
      Poll.until("B sees k=v2", 10, () -> "v2".equals(cb.call("GET", "k")));
    }
  }

  /**
   * Asserts that the node has sequenced message {@code seq} of {@code key}'s slot: A answers a
   * SYNC write only once the node has, so no wait is needed.
   */
  private void assertPublished(String key, long seq) throws Exception {
    String slot = Integer.toString(KeySlot.of(key.getBytes(StandardCharsets.UTF_8)));
    assertThat((List<?>) direct.call("SYNCHUB", "REPLAY", slot, Long.toString(seq - 1)))
        .as("the node sequenced message " + seq + " of " + key).hasSizeGreaterThan(2);
  }

  /** Returns the node's id of the connection named {@code name}, from CLIENT LIST. */
  private long clientId(String name) throws Exception {
    for (String line : String.valueOf(direct.call("CLIENT", "LIST")).split("\n")) {
      if (line.contains(" name=" + name + " ")) {
        for (String field : List.of(line.split(" "))) {
          if (field.startsWith("id=")) {
            return Long.parseLong(field.substring(3));
          }
        }
      }
    }
    throw new AssertionError("no connection named " + name);
  }
}
