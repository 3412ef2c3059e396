package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tiercel.core.Clock;
import io.tiercel.server.command.Session;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

  private TiercelAgent startAgent(NodeProcess node) throws Exception {
    return new TiercelAgent(AgentConfig.parse(new String[] {"--unixsocket",
        dir.resolve("a.sock").toString(), "--nodes", "127.0.0.1:" + node.port()}),
        Clock.system()).start();
  }

  private static boolean anyClosing(TiercelAgent agent) {
    return agent.node().sessions().stream().anyMatch(Session::closing);
  }

  @Test
  void quitBehindAnOutstandingGgetClosesAfterBothReplies() throws Exception {
    try (NodeProcess node = NodeProcess.start(0); RespClient direct = RespClient.tcp(node.port());
        TiercelAgent agent = startAgent(node);
        RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      assertThat(direct.call("SET", "k", "v")).isEqualTo("OK");
      node.suspend();
      try {
        c.send("GGET", "k");
        c.send("QUIT");
        Poll.until("QUIT read behind the GGET", 20, () -> anyClosing(agent));
      } finally {
        node.resume();
      }
      assertThat(c.read()).isEqualTo("v");
      assertThat(c.read()).isEqualTo("OK");
      assertThatThrownBy(c::read).isInstanceOf(IOException.class).hasMessage("closed by server");
    }
  }

  @Test
  void shutdownAnswersAnOutstandingGgetBeforeClosing() throws Exception {
    try (NodeProcess node = NodeProcess.start(0); RespClient direct = RespClient.tcp(node.port());
        TiercelAgent agent = startAgent(node);
        RespClient c = RespClient.unix(dir.resolve("a.sock"))) {
      assertThat(direct.call("SET", "k", "v")).isEqualTo("OK");
      Thread closer = new Thread(agent::close, "agent-close");
      node.suspend();
      try {
        c.send("GGET", "k");
        Poll.until("the GGET forwarded", 20, () -> agent.stats().globalCommands.sum() >= 1);
        closer.start();
        Poll.until("the shutdown reached the connection", 20, () -> anyClosing(agent));
      } finally {
        node.resume();
      }
      assertThat(c.read()).isEqualTo("v");
      assertThatThrownBy(c::read).isInstanceOf(IOException.class).hasMessage("closed by server");
      closer.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(closer.isAlive()).isFalse();
    }
  }
}
