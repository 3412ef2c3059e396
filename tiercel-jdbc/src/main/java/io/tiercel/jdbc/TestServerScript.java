package io.tiercel.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One of the project's throwaway database scripts ({@code dev-support/<name>-test-server.sh
 * start DIR PORT | stop DIR}) bound to a data directory and port: what the MariaDB and
 * PostgreSQL test servers share.
 */
final class TestServerScript {
  private final Path script;
  private final Path dir;
  private final int port;

  private TestServerScript(Path script, Path dir, int port) {
    this.script = script;
    this.dir = dir;
    this.port = port;
  }

  /** Finds {@code dev-support/<name>} and picks a fresh data directory under {@code parent}. */
  static TestServerScript create(String name, Path parent, String dirPrefix) {
    try {
      Path script = find(name);
      Path target = Files.createDirectories(parent.toAbsolutePath());
      Path dir = Files.createTempDirectory(target, dirPrefix);
      return new TestServerScript(script, dir.toAbsolutePath(), freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path find(String name) {
    String home = System.getenv("TIERCEL_HOME");
    if (home != null && Files.isExecutable(Path.of(home, "dev-support", name))) {
      return Path.of(home, "dev-support", name);
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path s = p.resolve("dev-support").resolve(name);
      if (Files.isExecutable(s)) {
        return s;
      }
      p = p.getParent();
    }
    throw new IllegalStateException("dev-support/" + name + " not found above "
        + Path.of("").toAbsolutePath());
  }

  /** Returns a free loopback port. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  int port() {
    return port;
  }

  /** Runs {@code start DIR PORT}; returns the server's PID once it answers. */
  long start() {
    String out = run("start", Integer.toString(port));
    int at = out.indexOf("pid=");
    if (at < 0) {
      throw new IllegalStateException(script.getFileName() + " did not report a pid: " + out);
    }
    return Long.parseLong(out.substring(at + 4, out.indexOf(' ', at)));
  }

  /** Runs {@code stop DIR}. */
  void stop() {
    run("stop");
  }

  private String run(String... args) {
    String[] command = new String[args.length + 2];
    command[0] = script.toString();
    command[1] = args[0];
    command[2] = dir.toString();
    System.arraycopy(args, 1, command, 3, args.length - 1);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(script.getFileName() + " " + args[0] + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
