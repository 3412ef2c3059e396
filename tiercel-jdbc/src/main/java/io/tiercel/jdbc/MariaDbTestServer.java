package io.tiercel.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway MariaDB server for tests and benchmarks, one per JVM, started on first use through
 * {@code dev-support/mariadb-test-server.sh} on a free loopback port with its own data directory
 * under {@code target/}; stopped by its PID when the JVM exits. Tests may stop it (outage) and
 * start it again on the same data directory and port.
 */
public final class MariaDbTestServer {
  private static MariaDbTestServer shared;

  private final Path dir;
  private final int port;
  private final Path script;
  private long pid;

  private MariaDbTestServer(Path dir, int port, Path script) {
    this.dir = dir;
    this.port = port;
    this.script = script;
  }

  /** Returns the JVM's server under {@code target/}, starting it the first time. */
  public static synchronized MariaDbTestServer shared() {
    return shared(Path.of("target"));
  }

  /** Returns the JVM's server with its data under {@code parent}, starting it the first time. */
  public static synchronized MariaDbTestServer shared(Path parent) {
    if (shared == null) {
      try {
        Path script = findScript();
        Path target = Files.createDirectories(parent.toAbsolutePath());
        Path dir = Files.createTempDirectory(target, "mariadb-");
        shared = new MariaDbTestServer(dir.toAbsolutePath(), freePort(), script);
        shared.start();
        Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  private static Path findScript() {
    String home = System.getenv("TIERCEL_HOME");
    if (home != null && Files.isExecutable(Path.of(home, "dev-support/mariadb-test-server.sh"))) {
      return Path.of(home, "dev-support/mariadb-test-server.sh");
    }
    Path p = Path.of("").toAbsolutePath();
    while (p != null) {
      Path s = p.resolve("dev-support/mariadb-test-server.sh");
      if (Files.isExecutable(s)) {
        return s;
      }
      p = p.getParent();
    }
    throw new IllegalStateException("dev-support/mariadb-test-server.sh not found above "
        + Path.of("").toAbsolutePath());
  }

  /** Returns a free loopback port. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Returns a JDBC URL of the {@code tiercel} database. */
  public String url() {
    return "jdbc:mariadb://127.0.0.1:" + port + "/tiercel?user=root";
  }

  /** Returns the port. */
  public int port() {
    return port;
  }

  /** Returns the server's PID. */
  public synchronized long pid() {
    return pid;
  }

  /** Starts the server (again) on its data directory and port; returns when it answers. */
  public synchronized void start() {
    try {
      Process p = new ProcessBuilder(script.toString(), "start", dir.toString(),
          Integer.toString(port)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("MariaDB did not start: " + out);
      }
      int at = out.indexOf("pid=");
      pid = Long.parseLong(out.substring(at + 4, out.indexOf(' ', at)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server by its PID (SIGTERM) and waits until it has exited. */
  public synchronized void stop() {
    if (pid == 0) {
      return;
    }
    ProcessHandle.of(pid).ifPresent(h -> {
      h.destroy();
      try {
        h.onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    });
    pid = 0;
  }
}
