package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.agent.upstream.ReplyFramer.ErrorReply;
import io.tiercel.core.Clock;
import io.tiercel.core.ManualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's near cache for GGET against a real node (child JVM): copies are served locally,
 * dropped when another client writes the key on the node, never left stale by a write racing a
 * fill, expired by the TTL backstop and the node's own TTL, and flushed when the node is lost.
 */
class NearCacheTest {
  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent agent;
  private RespClient direct;

  @BeforeEach
  void start() throws Exception {
    node = NodeProcess.start(0);
    direct = RespClient.tcp(node.port());
  }

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(agent, direct, node);
  }

  private void agent(Clock clock, String... extra) throws Exception {
    String[] base = {"--unixsocket", dir.resolve("a.sock").toString(), "--nodes",
        "127.0.0.1:" + node.port(), "--io-threads", "2", "--near-cache", "default",
        "--near-cache-ttl", "60s"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    agent = new TiercelAgent(AgentConfig.parse(args), clock).start();
    Poll.until("near cache tracking", 20,
        () -> String.valueOf(info()).contains("near_cache_tracking:1\r\n"));
  }

  private String info() throws Exception {
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      return String.valueOf(c.call("INFO", "agent"));
    }
  }

  /** GGETs until the reply is a near hit (a fill lands just after the reply it came with). */
  private void awaitCopy(RespClient c, String key, String value) throws Exception {
    Poll.until("a near copy of " + key, 10, () -> {
      long before = agent.nearCache().hits();
      return value.equals(c.call("GGET", key)) && agent.nearCache().hits() > before;
    });
  }

  @Test
  void copyIsServedLocallyUntilAnotherClientWritesTheKeyOnTheNode() throws Exception {
    agent(Clock.system());
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      assertThat(direct.call("SET", "k", "v1")).isEqualTo("OK");
      awaitCopy(c, "k", "v1");
      assertThat(direct.call("SET", "k", "v2")).isEqualTo("OK");
      Poll.until("the copy is invalidated", 10, () -> "v2".equals(c.call("GGET", "k")));
      assertThat(agent.nearCache().invalidations()).isPositive();

      awaitCopy(c, "k", "v2");
      assertThat(c.call("GSET", "k", "mine")).isEqualTo("OK");
      assertThat(c.call("GGET", "k")).as("the writer reads its own write at once")
          .isEqualTo("mine");
      assertThat(c.call("SELECT", "default")).isEqualTo("OK");
      assertThat(c.call("GGET", "missing")).isNull();
      assertThat(info()).contains("near_cache_hits:", "near_cache_invalidations:");

      awaitCopy(c, "k", "mine");
      assertThat(direct.call("FLUSHALL")).isEqualTo("OK");
      Poll.until("FLUSHALL drops every copy", 10, () -> c.call("GGET", "k") == null);
    }
  }

  @Test
  void copyExpiresByTheBackstopAndByTheNodesTtl() throws Exception {
    ManualClock clock = new ManualClock(System.currentTimeMillis());
    agent(clock, "--near-cache-ttl", "10s");
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      assertThat(direct.call("SET", "k", "v1")).isEqualTo("OK");
      awaitCopy(c, "k", "v1");
      clock.advance(Duration.ofSeconds(11));
      long hits = agent.nearCache().hits();
      assertThat(c.call("GGET", "k")).isEqualTo("v1");
      assertThat(agent.nearCache().hits()).as("expired copy not served").isEqualTo(hits);

      // The node's TTL runs on real time: 8 s leaves a loaded machine time to make the copy,
      // and stays under the 10 s backstop, so only the node's TTL can expire it at +9 s.
      assertThat(direct.call("SET", "t", "short", "PX", "8000")).isEqualTo("OK");
      awaitCopy(c, "t", "short");
      clock.advance(Duration.ofSeconds(9));
      hits = agent.nearCache().hits();
      Object after = c.call("GGET", "t");
      assertThat(agent.nearCache().hits()).as("copy expired with the node's TTL").isEqualTo(hits);
      assertThat(after).isIn("short", null);
    }
  }

  @Test
  void ggetRacingWithWritesOnTheNodeNeverLeavesAStaleCopy() throws Exception {
    agent(Clock.system());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int rounds = 0;
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      for (; rounds < 300 && System.nanoTime() < deadline; rounds++) {
        String value = "v" + rounds;
        // The write and a burst of GGETs race through two connections to the node.
        c.send("GGET", "race");
        direct.send("SET", "race", value);
        c.send("GGET", "race");
        c.send("GGET", "race");
        for (int i = 0; i < 3; i++) {
          c.read();
        }
        assertThat(direct.read()).isEqualTo("OK");
        // A stale copy would be served for the whole 60 s backstop; the poll allows 5.
        Poll.until("round " + value + " converged", 5, () -> value.equals(c.call("GGET", "race")));
      }
    }
    assertThat(rounds).isPositive();
    assertThat(agent.nearCache().hits()).as("the near cache was in play").isPositive();
  }

  @Test
  void metricsEndpointExportsTheAgentsMetersInPrometheusText() throws Exception {
    agent(Clock.system(), "--http-port", "0");
    assertThat(agent.readyLine()).endsWith(" http=" + agent.httpPort());
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      assertThat(c.call("SET", "local", "1")).isEqualTo("OK");
      assertThat(c.call("GET", "local")).isEqualTo("1");
      assertThat(direct.call("SET", "k", "v")).isEqualTo("OK");
      awaitCopy(c, "k", "v");
    }
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("tiercel_agent_local_hits_total 1.0",
        "tiercel_agent_sync_lag_seconds{quantile=\"0.99\"}", "tiercel_agent_sync_missed_total",
        "tiercel_agent_sync_repaired_total", "tiercel_agent_sync_subscribed ",
        "tiercel_agent_near_invalidations_total", "tiercel_commands_total");
    assertThat(r.body()).containsPattern("tiercel_agent_near_hits_total [1-9]");
  }

  @Test
  void lostNodeFlushesTheNearCacheAndGgetFailsUntilItIsBack() throws Exception {
    agent(Clock.system());
    int port = node.port();
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      assertThat(direct.call("SET", "k", "v1")).isEqualTo("OK");
      awaitCopy(c, "k", "v1");
      direct.close();
      direct = null;
      node.kill();
      Poll.until("near cache flushed", 20, () -> agent.nearCache().size() == 0
          && !info().contains("near_cache_tracking:1"));
      assertThat(c.call("GGET", "k")).isInstanceOf(ErrorReply.class);
      node = NodeProcess.start(port);
      direct = RespClient.tcp(port);
      Poll.until("tracking again", 30, () -> info().contains("near_cache_tracking:1\r\n"));
      assertThat(direct.call("SET", "k", "fresh")).isEqualTo("OK");
      Poll.until("GGET reaches the new node", 20, () -> "fresh".equals(c.call("GGET", "k")));
      awaitCopy(c, "k", "fresh");
    }
  }
}
