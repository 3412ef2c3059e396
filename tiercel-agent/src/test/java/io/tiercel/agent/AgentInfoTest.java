package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tiercel.server.transport.EventLoopSlice;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's {@code # Agent} INFO section is part of {@code INFO}, {@code INFO all} and
 * {@code INFO everything}, alone in {@code INFO agent}, and absent from other single sections;
 * {@code INFO server} shows the scheduler slice the agent's loops got. Real node process, real
 * UNIX socket.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentInfoTest {
  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent agent;
  private RespClient client;

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(client, agent, node);
  }

  @Test
  void infoAllAndEverythingIncludeTheAgentSection() throws Exception {
    node = NodeProcess.start(0);
    agent = new TiercelAgent(AgentConfig.parse("--unixsocket", dir.resolve("a.sock").toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--near-cache", "default")).start();
    client = RespClient.unix(dir.resolve("a.sock"));
    for (String[] cmd : new String[][] {{"INFO"}, {"INFO", "all"}, {"INFO", "everything"},
        {"INFO", "EVERYTHING"}, {"INFO", "default"}}) {
      String info = String.valueOf(client.call(cmd));
      assertThat(info).as(String.join(" ", cmd))
          .contains("# Server\r\n", "# Clients\r\n", "# Keyspace\r\n", "\r\n# Agent\r\n",
              "\r\nagent_id:", "\r\nsync_subscribed:", "\r\nnear_cache_hits:")
          .doesNotEndWith("\r\n");
    }
    String agentOnly = String.valueOf(client.call("INFO", "agent"));
    assertThat(agentOnly).startsWith("# Agent\r\nagent_id:").contains("\r\nsync_lag_p99_us:")
        .doesNotContain("# Server");
    String both = String.valueOf(client.call("INFO", "server", "agent"));
    assertThat(both).startsWith("# Server\r\n").contains("\r\n# Agent\r\n")
        .doesNotContain("# Clients");
    assertThat(String.valueOf(client.call("INFO", "server"))).doesNotContain("# Agent");
  }

  @Test
  void infoServerShowsTheSchedulerSliceTheAgentsLoopsGot() throws Exception {
    // Whether this kernel gives a thread its own slice, asked on a thread of our own.
    CompletableFuture<EventLoopSlice.Outcome> here = new CompletableFuture<>();
    Thread probe = new Thread(() -> here.complete(EventLoopSlice.applyToCurrentThread(400)));
    probe.start();
    assumeTrue(here.get(10, TimeUnit.SECONDS) == EventLoopSlice.Outcome.APPLIED,
        "needs Linux 6.12+ (custom scheduler slices)");
    node = NodeProcess.start(0);
    agent = new TiercelAgent(AgentConfig.parse("--unixsocket", dir.resolve("a.sock").toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--io-thread-slice-micros", "400")).start();
    client = RespClient.unix(dir.resolve("a.sock"));
    assertThat(String.valueOf(client.call("INFO", "server")))
        .contains("\r\nio_thread_slice_us:400\r\n");
  }
}
