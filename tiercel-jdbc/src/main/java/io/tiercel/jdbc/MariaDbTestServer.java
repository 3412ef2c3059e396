package io.tiercel.jdbc;

import java.io.IOException;
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

  private final TestServerScript script;
  private long pid;

  private MariaDbTestServer(TestServerScript script) {
    this.script = script;
  }

  /** Returns the JVM's server under {@code target/}, starting it the first time. */
  public static synchronized MariaDbTestServer shared() {
    return shared(Path.of("target"));
  }

  /** Returns the JVM's server with its data under {@code parent}, starting it the first time. */
  public static synchronized MariaDbTestServer shared(Path parent) {
    if (shared == null) {
      shared = new MariaDbTestServer(TestServerScript.create("mariadb-test-server.sh", parent,
          "mariadb-"));
      shared.start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
    }
    return shared;
  }

  /** Returns a free loopback port. */
  public static int freePort() throws IOException {
    return TestServerScript.freePort();
  }

  /** Returns a JDBC URL of the {@code tiercel} database. */
  public String url() {
    return "jdbc:mariadb://127.0.0.1:" + script.port() + "/tiercel?user=root";
  }

  /** Returns the port. */
  public int port() {
    return script.port();
  }

  /** Returns the server's PID. */
  public synchronized long pid() {
    return pid;
  }

  /** Starts the server (again) on its data directory and port; returns when it answers. */
  public synchronized void start() {
    pid = script.start();
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
