package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Clock;
import io.tiercel.server.command.Session;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent closes a connection only after answering every command it already ran, even when a
 * global command is still waiting for the node: after QUIT, and when the agent itself shuts down.
 * The node (a child JVM) is held with SIGSTOP so the global command is outstanding for sure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentCloseTest {
  @TempDir Path dir;

  private NodeProcess node;
  private RespClient direct;
  private TiercelAgent agent;
  private RespClient client;

  /** Starts a node and an agent on it, and stores {@code k = v} on the node. */
  @BeforeEach
  void start() throws Exception {
    node = NodeProcess.start(0);
    direct = RespClient.tcp(node.port());
    agent = new TiercelAgent(AgentConfig.parse(new String[] {"--unixsocket",
        dir.resolve("a.sock").toString(), "--nodes", "127.0.0.1:" + node.port()}),
        Clock.system()).start();
    client = RespClient.unix(dir.resolve("a.sock"));
    assertThat(direct.call("SET", "k", "v")).isEqualTo("OK");
  }

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(client, agent, direct, node);
  }

  private boolean anyClosing() {
    return agent.node().sessions().stream().anyMatch(Session::closing);
  }

  @Test
  void quitBehindAnOutstandingGgetClosesAfterBothReplies() throws Exception {
    node.suspend();
    try {
      client.send("GGET", "k");
      client.send("QUIT");
      Poll.until("QUIT read behind the GGET", 20, this::anyClosing);
    } finally {
      node.resume();
    }
    assertThat(client.read()).isEqualTo("v");
    assertThat(client.read()).isEqualTo("OK");
    assertThatThrownBy(client::read).isInstanceOf(IOException.class).hasMessage("closed by server");
  }

  @Test
  void shutdownAnswersAnOutstandingGgetBeforeClosing() throws Exception {
    Thread closer = new Thread(agent::close, "agent-close");
    node.suspend();
    try {
      client.send("GGET", "k");
      Poll.until("the GGET forwarded", 20, () -> agent.stats().globalCommands.sum() >= 1);
      closer.start();
      Poll.until("the shutdown reached the connection", 20, this::anyClosing);
    } finally {
      node.resume();
    }
    assertThat(client.read()).isEqualTo("v");
    assertThatThrownBy(client::read).isInstanceOf(IOException.class).hasMessage("closed by server");
    closer.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(closer.isAlive()).isFalse();
  }
}
