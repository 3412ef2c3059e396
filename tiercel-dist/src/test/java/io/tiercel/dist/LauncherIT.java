package io.tiercel.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/tiercel} script run as a process on the distribution the package phase
 * built (target/lib): its JDK lookup, its subcommands' exit codes, and a node it starts.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of(System.getProperty("tiercel.launcher"));
  private static final String VERSION = System.getProperty("tiercel.version");
  /** The JDK running this test: the toolchain's, 25 or newer. */
  private static final Path TEST_JDK = Path.of(System.getProperty("java.home"));
  private static final long TIMEOUT_SECONDS = 30;
  private static final Pattern READY =
      Pattern.compile("ready port=(\\d+) http=(\\d+) unixsocket=(\\S+)");

  @TempDir Path dir;

  /** What a finished process printed and returned. */
  private record Outcome(int exit, String out, String err) {}

  /** Builds a launcher process with {@code javaHome} as JAVA_HOME (null: unset). */
  private ProcessBuilder launcher(Path javaHome, String... args) {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    Map<String, String> env = pb.environment();
    env.remove("TIERCEL_REBUILD");
    env.remove("TIERCEL_JAVA_OPTS");
    if (javaHome == null) {
      env.remove("JAVA_HOME");
      // Where /usr/lib/jvm holds no JDK 25, the launcher's last resort is the java on the PATH.
      env.put("PATH", TEST_JDK.resolve("bin") + File.pathSeparator + env.getOrDefault("PATH", ""));
    } else {
      env.put("JAVA_HOME", javaHome.toString());
    }
    return pb;
  }

  /** Runs the launcher to its end, within the time limit. */
  private Outcome run(Path javaHome, String... args) throws Exception {
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    Process p = launcher(javaHome, args).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    p.getOutputStream().close();
    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("bin/tiercel " + String.join(" ", args) + " did not end in "
          + TIMEOUT_SECONDS + " s; stderr: " + Files.readString(err));
    }
    return new Outcome(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  @Test
  void versionPrintsTheBuildsVersionWithTheToolchainsJdkAsJavaHome() throws Exception {
    Outcome o = run(TEST_JDK, "version");
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.out()).isEqualTo("tiercel " + VERSION + "\n");
  }

  @Test
  void versionFindsAJdkWithoutJavaHome() throws Exception {
    Outcome o = run(null, "version");
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.out()).isEqualTo("tiercel " + VERSION + "\n");
  }

  @Test
  void aJavaHomeOlderThan25IsPassedOver() throws Exception {
    // A "JDK 17" that answers the launcher's version probe and fails if it is ever run.
    Path old = dir.resolve("jdk-17");
    Files.createDirectories(old.resolve("bin"));
    Path java = old.resolve("bin/java");
    Files.writeString(java, """
        #!/bin/sh
        case "$1" in -XshowSettings*) echo '    java.specification.version = 17' >&2; exit 0;; esac
        echo 'the old JDK was run' >&2
        exit 99
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Outcome o = run(old, "version");
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.out()).isEqualTo("tiercel " + VERSION + "\n");
  }

  @Test
  void anUnknownSubcommandExits2WithUsageOnStderr() throws Exception {
    Outcome o = run(TEST_JDK, "frobnicate");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.out()).isEmpty();
    assertThat(o.err()).contains("unknown command 'frobnicate'", "usage: bin/tiercel <command>");
  }

  @Test
  void noSubcommandExits2WithUsageOnStderr() throws Exception {
    Outcome o = run(TEST_JDK);
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.out()).isEmpty();
    assertThat(o.err()).contains("usage: bin/tiercel <command>");
  }

  @Test
  void aBadServerFlagExits2WithUsageOnStderr() throws Exception {
    Outcome o = run(TEST_JDK, "server", "--no-such-flag", "1");
    assertThat(o.exit()).isEqualTo(2);
    assertThat(o.out()).isEmpty();
    assertThat(o.err()).contains("tiercel server:", "no-such-flag", "--port");
  }

  @Test
  void serverPrintsTheReadyLineAnswersPingAndExitsZeroOnSigterm() throws Exception {
    String redisCli = onPath("redis-cli");
    assumeTrue(redisCli != null, "redis-cli is not installed (dev-support/install-deps.sh)");
    Path socket = dir.resolve("node.sock");
    Path err = dir.resolve("server.err");
    Process p = launcher(TEST_JDK, "server", "--port", "0", "--http-port", "0",
        "--unixsocket", socket.toString(), "--dir", dir.toString(), "--loglevel", "warn")
        .redirectError(err.toFile()).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(out))
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(line).as("the ready line; stderr: %s", Files.readString(err)).isNotNull();
      Matcher m = READY.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isPositive();
      assertThat(Integer.parseInt(m.group(2))).isPositive();
      assertThat(m.group(3)).isEqualTo(socket.toString());

      assertThat(cli(redisCli, "-p", m.group(1), "PING")).isEqualTo("PONG");
      assertThat(cli(redisCli, "-s", m.group(3), "PING")).isEqualTo("PONG");

      p.destroy(); // SIGTERM: bin/tiercel exec'd the JVM, so this is the node's process
      assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
      assertThat(p.exitValue()).as("exit status; stderr: %s", Files.readString(err)).isZero();
      assertThat(socket).as("the UNIX socket file is removed").doesNotExist();
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String cli(String redisCli, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(redisCli));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8).strip();
  }

  private static String onPath(String binary) {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, binary);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }
}
