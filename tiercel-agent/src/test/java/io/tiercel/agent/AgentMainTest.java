package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.tiercel.server.HeapPacer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code AgentMain} as a real process: ready line, heap pacing, signals, bad flags exit 2. */
class AgentMainTest {
  @TempDir Path dir;

  private static String readyLine(Process p) throws Exception {
    return new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))
        .readLine();
  }

  @Test
  void printsReadyLineWithSocketAndPortServesAndExitsZeroOnSigterm() throws Exception {
    Path socket = dir.resolve("agent.sock");
    try (NodeProcess node = NodeProcess.start(0)) {
      Process p = NodeProcess.launch(AgentMain.class.getName(), "--unixsocket",
          socket.toString(), "--nodes", "127.0.0.1:" + node.port(), "--port", "0",
          "--loglevel", "warn");
      try {
        String line = readyLine(p);
        Matcher m = AgentProcess.READY.matcher(String.valueOf(line));
        assertThat(m.matches()).as(line).isTrue();
        assertThat(m.group(1)).isEqualTo(socket.toString());
        int port = Integer.parseInt(m.group(3));
        try (RespClient unix = RespClient.unix(socket); RespClient tcp = RespClient.tcp(port)) {
          assertThat(unix.call("SET", "k", "v")).isEqualTo("OK");
          assertThat(tcp.call("GET", "k")).isEqualTo("v");
          assertThat(unix.call("GSET", "g", "1")).isEqualTo("OK");
          assertThat(tcp.call("GGET", "g")).isEqualTo("1");
          p.destroy();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
          assertThat(p.exitValue()).isZero();
        }
        assertThat(Files.exists(socket)).isFalse();
      } finally {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void onZgcAnAgentPacesItsHeapFromTheAgentsLowerFloor() throws Exception {
    Path socket = dir.resolve("paced.sock");
    try (NodeProcess node = NodeProcess.start(0)) {
      Process p = NodeProcess.launch(List.of("-XX:+UseZGC", "-Xmx2g"), AgentMain.class.getName(),
          "--unixsocket", socket.toString(), "--nodes", "127.0.0.1:" + node.port(),
          "--loglevel", "warn");
      try {
        assertThat(readyLine(p)).startsWith("ready unixsocket=");
        try (RespClient c = RespClient.unix(socket)) {
          Matcher softMax = Pattern.compile("jvm_heap_soft_max:(\\d+)\r\n")
              .matcher(String.valueOf(c.call("INFO", "memory")));
          assertThat(softMax.find()).isTrue();
          assertThat(Long.parseLong(softMax.group(1)))
              .as("a fresh agent's heap is far below half its floor")
              .isEqualTo(HeapPacer.AGENT_FLOOR)
              .isLessThan(HeapPacer.NODE_FLOOR);
        }
      } finally {
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void agentKilledWithSigkillLeavesNodeAndOtherAgentsWorking() throws Exception {
    Path socket = dir.resolve("victim.sock");
    try (NodeProcess node = NodeProcess.start(0)) {
      Process victim = NodeProcess.launch(AgentMain.class.getName(), "--unixsocket",
          socket.toString(), "--nodes", "127.0.0.1:" + node.port(), "--loglevel", "warn");
      AgentConfig config = AgentConfig.parse("--unixsocket", dir.resolve("b.sock").toString(),
          "--nodes", "127.0.0.1:" + node.port(), "--io-threads", "1");
      try (TiercelAgent b = new TiercelAgent(config).start()) {
        assertThat(readyLine(victim)).startsWith("ready unixsocket=");
        Poll.until("b subscribed", 20, () -> b.synchronizer().subscribed());
        try (RespClient cv = RespClient.unix(socket);
            RespClient cb = RespClient.unix(dir.resolve("b.sock"))) {
          Poll.until("victim subscribed", 20,
              () -> String.valueOf(cv.call("INFO", "agent")).contains("sync_subscribed:1"));
          assertThat(cv.call("SET", "x", "from-victim", "SYNC")).isEqualTo("OK");
          Poll.until("b sees x", 10, () -> "from-victim".equals(cb.call("GET", "x")));
          victim.destroyForcibly();
          assertThat(victim.waitFor(30, TimeUnit.SECONDS)).isTrue();
          assertThat(cb.call("SET", "y", "1", "SYNC")).isEqualTo("OK");
          assertThat(cb.call("GSET", "z", "2")).isEqualTo("OK");
          assertThat(cb.call("GGET", "z")).isEqualTo("2");
          assertThat(cb.call("GET", "x")).isEqualTo("from-victim");
        }
      } finally {
        victim.destroyForcibly();
      }
    }
  }

  @Test
  void badFlagsExitTwoWithUsage() throws Exception {
    String[][] cases = {
      {"--nodes", "127.0.0.1:1"},
      {"--unixsocket", dir.resolve("s").toString()},
      {"--unixsocket", dir.resolve("s").toString(), "--nodes", "nohostport"},
      {"--unixsocket", dir.resolve("s").toString(), "--nodes", "127.0.0.1:1", "--bogus", "1"},
      {"--unixsocket", dir.resolve("s").toString(), "--nodes", "127.0.0.1:1", "--policy", "x"},
    };
    for (String[] flags : cases) {
      Process p = new ProcessBuilder(java.util.stream.Stream.concat(
          java.util.stream.Stream.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
              System.getProperty("java.class.path"), AgentMain.class.getName()),
          java.util.Arrays.stream(flags)).toList()).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(String.join(" ", flags)).isEqualTo(2);
      assertThat(output).startsWith("tiercel agent: ").contains("usage: bin/tiercel agent");
    }
  }
}
