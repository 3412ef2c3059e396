package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.server.ServerMain;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key the node evicts is announced to the agent's near cache like a write (as Redis's client
 * tracking does): the agent stops serving its copy at once instead of until the near-cache TTL.
 * Real node process with a 1 MB LRU budget; the agent's TTL backstop is an hour, so only the
 * node's invalidation can explain the copy's going.
 */
class NearCacheEvictionTest {
  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent agent;
  private RespClient direct;

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(agent, direct, node);
  }

  @Test
  void copyOfAKeyTheNodeEvictedIsDroppedNotServedUntilTheTtl() throws Exception {
    node = NodeProcess.start(ServerMain.class.getName(), "--port", "0", "--loglevel", "warn",
        "--maxmemory", "1mb", "--policy", "lru");
    direct = RespClient.tcp(node.port());
    agent = new TiercelAgent(AgentConfig.parse("--unixsocket", dir.resolve("a.sock").toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--io-threads", "2", "--near-cache", "default",
        "--near-cache-ttl", "1h")).start();
    Poll.until("near cache tracking", 20, () -> String.valueOf(info()).contains("near_cache_tracking:1\r\n"));
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      assertThat(direct.call("SET", "victim", "v1")).isEqualTo("OK");
      Poll.until("a near copy of victim", 10, () -> {
        long before = agent.nearCache().hits();
        return "v1".equals(c.call("GGET", "victim")) && agent.nearCache().hits() > before;
      });
      long invalidations = agent.nearCache().invalidations();

      String filler = "f".repeat(1024);
      int written = 0;
      while (written < 20_000 && Long.valueOf(1).equals(direct.call("EXISTS", "victim"))) {
        for (int i = 0; i < 500; i++, written++) {
          direct.send("SET", "filler:" + written, filler);
        }
        for (int i = 0; i < 500; i++) {
          assertThat(direct.read()).isEqualTo("OK");
        }
      }
      assertThat(direct.call("EXISTS", "victim")).as("the node evicted victim").isEqualTo(0L);

      Poll.until("the evicted key's copy is dropped", 10,
          () -> agent.nearCache().invalidations() > invalidations);
      long hits = agent.nearCache().hits();
      assertThat(c.call("GGET", "victim")).as("read from the node again: gone").isNull();
      assertThat(agent.nearCache().hits()).as("no near hit for the evicted key").isEqualTo(hits);
    }
  }

  private String info() throws Exception {
    try (RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      return String.valueOf(c.call("INFO", "agent"));
    }
  }
}
