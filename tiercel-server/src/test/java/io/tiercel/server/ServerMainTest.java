package io.tiercel.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ServerMain} as a real process: the ready line, SIGTERM exits 0, bad flags exit 2. */
class ServerMainTest {
  private static final Pattern READY =
      Pattern.compile("ready port=(\\d+) http=(\\d+) unixsocket=(.*)");

  @TempDir Path dir;

  private static Process launch(String... flags) throws Exception {
    return launch(List.of(), flags);
  }

  private static Process launch(List<String> jvmFlags, String... flags) throws Exception {
    return new ProcessBuilder(command(jvmFlags, flags))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Returns the command line of a node run by this JVM's java, with its class path. */
  private static List<String> command(List<String> jvmFlags, String... flags) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add(ServerMain.class.getName());
    command.addAll(List.of(flags));
    return command;
  }

  @Test
  void printsOneReadyLineServesAndExitsZeroOnSigterm() throws Exception {
    Path socket = dir.resolve("node.sock");
    Process p = launch("--port", "0", "--unixsocket", socket.toString(), "--http-port", "0",
        "--maxmemory", "64mb", "--policy", "lru", "--loglevel", "warn");
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).isNotNull();
      Matcher m = READY.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(m.group(3)).isEqualTo(socket.toString());
      int port = Integer.parseInt(m.group(1));
      int httpPort = Integer.parseInt(m.group(2));
      assertThat(httpPort).isPositive().isNotEqualTo(port);
      try (RawHttp h = new RawHttp(httpPort)) {
        h.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(h.read().status()).isEqualTo(200);
      }
      try (RawClient c = RawClient.tcp(port)) {
        c.command("SET", "k", "v");
        assertThat(c.readLine()).isEqualTo("+OK\r\n");
        c.command("CONFIG", "GET", "maxmemory-policy");
        assertThat(c.readLike("*2\r\n$16\r\nmaxmemory-policy\r\n$3\r\nlru\r\n"))
            .isEqualTo("*2\r\n$16\r\nmaxmemory-policy\r\n$3\r\nlru\r\n");
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(c.closedByServer()).isTrue();
      }
      assertThat(Files.exists(socket)).isFalse();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void logfileUnderDirGetsTheStartAndReadyLinesAndConfigChangesAndRotates() throws Exception {
    Process p = launch("--port", "0", "--dir", dir.toString(), "--logfile", "logs/tiercel.log",
        "--logfile-max-size", "1kb", "--logfile-max-history", "2");
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Matcher m = READY.matcher(out.readLine());
      assertThat(m.matches()).isTrue();
      Path log = dir.resolve("logs/tiercel.log");
      assertThat(Files.readString(log)).contains("starting tiercel", "INFO",
          "ready port=" + m.group(1) + " http=" + m.group(2));
      try (RawClient c = RawClient.tcp(Integer.parseInt(m.group(1)))) {
        c.command("CONFIG", "SET", "maxclients", "100");
        assertThat(c.readLine()).isEqualTo("+OK\r\n");
        assertThat(Files.readString(log)).contains("config set maxclients 100 (was 10000)");
        c.command("CONFIG", "SET", "requirepass", "secret");
        assertThat(c.readLine()).isEqualTo("+OK\r\n");
        assertThat(Files.readString(log)).contains("config set requirepass (hidden) (was '')")
            .doesNotContain("secret");
        c.command("AUTH", "secret");
        c.readLine();
        for (int i = 0; i < 40; i++) {
          c.command("CONFIG", "SET", "timeout", Integer.toString(i));
          assertThat(c.readLine()).isEqualTo("+OK\r\n");
        }
      }
      assertThat(Files.size(log)).isLessThanOrEqualTo(1024 + 200);
      assertThat(dir.resolve("logs/tiercel.log.1")).exists();
      assertThat(dir.resolve("logs/tiercel.log.2")).exists();
      assertThat(dir.resolve("logs/tiercel.log.3")).doesNotExist();
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void badConfigFileExitsTwoNamingTheLineAndTheKey() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "port 0\nmaxmemory plenty\n");
    Process p = launchCapturingStderr("--config", conf.toString());
    try {
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(err).contains(conf + ":2: maxmemory: 'plenty' (expected: a size")
          .contains("usage: tiercel server");
    } finally {
      p.destroyForcibly();
    }
  }

  private static Process launchCapturingStderr(String... flags) throws Exception {
    return new ProcessBuilder(command(List.of(), flags))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  @Test
  void onZgcTheNodePacesItsSoftHeapTargetUnlessTheUserSetOne() throws Exception {
    assertThat(softMaxHeapOfANodeStartedWith(List.of("-XX:+UseZGC", "-Xmx2g")))
        .as("a fresh node's heap is far below half the floor").isEqualTo(HeapPacer.NODE_FLOOR);
    assertThat(softMaxHeapOfANodeStartedWith(
        List.of("-XX:+UseZGC", "-Xmx2g", "-XX:SoftMaxHeapSize=300m")))
        .as("the user's own setting").isEqualTo(300L << 20);
    assertThat(softMaxHeapOfANodeStartedWith(List.of("-XX:+UseZGC", "-Xmx768m")))
        .as("never above the JVM's own target, here a maximum heap smaller than the floor")
        .isEqualTo(768L << 20);
    assertThat(softMaxHeapOfANodeStartedWith(List.of("-XX:+UseSerialGC", "-Xmx2g")))
        .as("a collector without a soft target: the JVM's own value").isEqualTo(2L << 30);
  }

  /** Starts a node with these JVM flags and returns INFO memory's {@code jvm_heap_soft_max}. */
  private static long softMaxHeapOfANodeStartedWith(List<String> jvmFlags) throws Exception {
    Process p = launch(jvmFlags, "--port", "0", "--http-port", "0", "--loglevel", "warn");
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Matcher m = READY.matcher(String.valueOf(out.readLine()));
      assertThat(m.matches()).isTrue();
      try (RawClient c = RawClient.tcp(Integer.parseInt(m.group(1)))) {
        c.command("INFO", "memory");
        Matcher field = Pattern.compile("jvm_heap_soft_max:(\\d+)\r\n")
            .matcher(c.reply().text());
        assertThat(field.find()).isTrue();
        return Long.parseLong(field.group(1));
      }
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
      p.destroyForcibly();
    }
  }

  @Test
  void badFlagPrintsUsageAndExitsTwo() throws Exception {
    for (String[] flags : new String[][] {
        {"--nope", "1"}, {"--port", "70000"}, {"--policy", "fifo"}, {"--maxmemory", "lots"},
        {"--appendfsync", "sometimes"}, {"stray"}}) {
      Process p = launch(flags);
      try {
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", flags)).isEqualTo(2);
      } finally {
        p.destroyForcibly();
      }
    }
  }
}
