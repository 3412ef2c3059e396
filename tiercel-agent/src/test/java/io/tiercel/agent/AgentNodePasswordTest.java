package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.agent.upstream.ReplyFramer.ErrorReply;
import io.tiercel.server.ServerMain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * An agent in front of a node started with {@code --requirepass}: with {@code --nodes-password}
 * every upstream connection (requests, SYNC subscriber, near-cache invalidations) authenticates;
 * a wrong or missing password fails GGET at once with {@code -ERR upstream: ...} and a log line,
 * never a hang; the password never shows in logs or INFO. Real node and agent processes.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AgentNodePasswordTest {
  private static final String SECRET = "s3cret-Pa55word";

  @TempDir Path dir;
  private NodeProcess node;
  private TiercelAgent agent;
  private RespClient direct;

  @BeforeEach
  void startNode() throws Exception {
    node = NodeProcess.start(ServerMain.class.getName(), "--port", "0", "--loglevel", "warn",
        "--requirepass", SECRET);
    direct = RespClient.tcp(node.port());
    assertThat(direct.call("GET", "k")).isInstanceOf(ErrorReply.class);
    assertThat(direct.call("AUTH", SECRET)).isEqualTo("OK");
    assertThat(direct.call("SET", "k", "on-node")).isEqualTo("OK");
  }

  @AfterEach
  void stop() throws Exception {
    Closing.inOrder(agent, direct, node);
  }

  private RespClient agent(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--unixsocket", dir.resolve("a.sock").toString(),
        "--nodes", "127.0.0.1:" + node.port(), "--io-threads", "2"));
    args.addAll(List.of(extra));
    agent = new TiercelAgent(AgentConfig.parse(args.toArray(String[]::new))).start();
    return RespClient.unix(dir.resolve("a.sock"));
  }

  @Test
  void withTheNodesPasswordEveryUpstreamConnectionWorks() throws Exception {
    try (RespClient c = agent("--nodes-password", SECRET, "--near-cache", "default")) {
      assertThat(c.call("GGET", "k")).isEqualTo("on-node");
      assertThat(c.call("GSET", "g", "1")).isEqualTo("OK");
      assertThat(direct.call("GET", "g")).isEqualTo("1");
      Poll.until("sync subscriber authenticated and subscribed", 20,
          () -> agent.synchronizer().subscribed());
      assertThat(c.call("SET", "s", "v", "SYNC")).isEqualTo("OK");
      Poll.until("invalidation channel authenticated and tracking", 20,
          () -> agent.info().contains("near_cache_tracking:1"));
      Poll.until("a near copy", 10, () -> {
        long before = agent.nearCache().hits();
        return "on-node".equals(c.call("GGET", "k")) && agent.nearCache().hits() > before;
      });
      assertThat(direct.call("SET", "k", "changed")).isEqualTo("OK");
      Poll.until("the copy is invalidated", 10, () -> "changed".equals(c.call("GGET", "k")));
      assertThat(String.valueOf(c.call("INFO"))).doesNotContain(SECRET);
      assertThat(String.valueOf(c.call("INFO", "agent"))).doesNotContain(SECRET);
    }
  }

  @Test
  void wrongPasswordFailsGgetClearlyAtOnceAndSyncWritesAreRefused() throws Exception {
    try (RespClient c = agent("--nodes-password", "wrong")) {
      for (String[] cmd : new String[][] {{"GGET", "k"}, {"GSET", "k", "x"}, {"GDEL", "k"}}) {
        Object r = c.call(cmd);
        assertThat(r).as(String.join(" ", cmd)).isInstanceOf(ErrorReply.class);
        assertThat(((ErrorReply) r).message()).startsWith("ERR upstream: node 127.0.0.1:"
            + node.port() + " refused the agent's password (--nodes-password): WRONGPASS");
      }
      assertThat(c.call("SET", "s", "v", "SYNC")).isInstanceOf(ErrorReply.class);
      assertThat(agent.synchronizer().subscribed()).isFalse();
      assertThat(direct.call("GET", "k")).isEqualTo("on-node");
      assertThat(c.call("SET", "local", "1")).as("local commands still work").isEqualTo("OK");
    }
  }

  @Test
  void missingPasswordFailsGgetClearly() throws Exception {
    try (RespClient c = agent()) {
      Object r = c.call("GGET", "k");
      assertThat(r).isInstanceOf(ErrorReply.class);
      assertThat(((ErrorReply) r).message()).startsWith("ERR upstream: node 127.0.0.1:"
          + node.port() + " refused the agent's password (--nodes-password): NOAUTH");
    }
  }

  @Test
  void passwordFromTheConfigFileWorksAndIsNeverLogged() throws Exception {
    Path config = dir.resolve("agent.conf");
    Files.writeString(config, "# agent settings\nnodes 127.0.0.1:" + node.port()
        + "\nnodes-password \"" + SECRET + "\"\nloglevel debug\n");
    assertThat(runAgentProcess(config, "a1.sock")).doesNotContain(SECRET)
        .contains("connected to node 127.0.0.1:" + node.port());

    Files.writeString(config, "nodes 127.0.0.1:" + node.port() + "\nnodes-password wrong-"
        + SECRET + "\nloglevel info\n");
    assertThat(runAgentProcess(config, "a2.sock")).doesNotContain(SECRET)
        .contains("refused the agent's password (--nodes-password): WRONGPASS");
  }

  /**
   * Runs {@code bin/tiercel agent --config FILE} as a process, GGETs {@code k} (expected to
   * succeed unless the file's password is wrong), stops it with SIGTERM and returns its log.
   */
  private String runAgentProcess(Path config, String socketName) throws Exception {
    Path socket = dir.resolve(socketName);
    Path log = dir.resolve(socketName + ".log");
    List<String> command = List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "--enable-native-access=ALL-UNNAMED",
        AgentMain.class.getName(), "--config", config.toString(), "--unixsocket",
        socket.toString());
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    try {
      BufferedReader stdout = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String ready = stdout.readLine();
      assertThat(ready).startsWith("ready unixsocket=");
      try (RespClient c = RespClient.unix(socket)) {
        Object r = c.call("GGET", "k");
        if (Files.readString(config).contains("wrong-")) {
          assertThat(r).isInstanceOf(ErrorReply.class);
        } else {
          assertThat(r).isEqualTo("on-node");
        }
      }
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // stdout carries only the ready line; the log goes to stderr.
      return ready + "\n" + Files.readString(log);
    } finally {
      p.destroyForcibly();
    }
  }
}
