package io.tiercel.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real redis-server or memcached started by a test on a free loopback port, stopped by its PID
 * (SIGTERM, then SIGKILL if it lingers). The binaries come from dev-support/install-deps.sh.
 */
final class ExternalServer implements AutoCloseable {
  final int port;
  private final Process process;

  private ExternalServer(int port, Process process) {
    this.port = port;
    this.process = process;
  }

  /** Starts {@code redis-server} without persistence; extra arguments are appended. */
  static ExternalServer redis(Path dir, String... extra) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", "" + port,
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    command.addAll(List.of(extra));
    return start(command, port, dir.resolve("redis.log"));
  }

  /** Starts {@code memcached} on loopback TCP only. */
  static ExternalServer memcached(Path dir) throws IOException {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of("memcached", "-p", "" + port, "-U", "0", "-l",
        "127.0.0.1", "-m", "64", "-t", "2"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "root")); // memcached refuses root without naming the user
    }
    return start(command, port, dir.resolve("memcached.log"));
  }

  private static ExternalServer start(List<String> command, int port, Path log)
      throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
    } catch (IOException e) {
      throw new IOException(command.getFirst() + " is not installed: run "
          + "dev-support/install-deps.sh (" + e.getMessage() + ")", e);
    }
    ExternalServer server = new ExternalServer(port, process);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return server;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          server.close();
          throw new IOException(command.getFirst() + " did not start on port " + port
              + "; see " + log);
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // readiness poll, bounded
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    ProcessHandle handle = process.toHandle();
    handle.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        handle.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      handle.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
