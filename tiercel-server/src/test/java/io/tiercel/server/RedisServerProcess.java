package io.tiercel.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's, installed by dev-support/install-deps.sh) on a free loopback
 * port, without persistence, for comparing replies; stopped by its own PID.
 */
final class RedisServerProcess implements AutoCloseable {
  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final Process process;
  private final int port;
  private final Path dir;

  private RedisServerProcess(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /** Returns the path of redis-server on the PATH, or null if it is not installed. */
  static String binary() {
    return Executables.onPath("redis-server");
  }

  /** Starts redis-server on a free port, retrying if another process takes the port first. */
  static RedisServerProcess start(String binary) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("tiercel-redis");
    IOException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      int port = freePort();
      Process p = new ProcessBuilder(List.of(binary, "--port", Integer.toString(port),
          "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
          "--daemonize", "no", "--logfile", dir.resolve("redis.log").toString()))
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis.out").toFile())
          .start();
      RedisServerProcess server = new RedisServerProcess(p, port, dir);
      try {
        server.awaitAccepting();
        return server;
      } catch (IOException e) {
        last = e;
        server.stop();
      }
    }
    throw new IOException("redis-server did not start; see " + dir, last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void awaitAccepting() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("redis-server exited with " + process.exitValue());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        // Bounded by the deadline; the server needs a few milliseconds to listen.
        process.waitFor(20, TimeUnit.MILLISECONDS);
      }
    }
    throw new IOException("redis-server did not listen on " + port + " within "
        + START_TIMEOUT_MILLIS + " ms");
  }

  /** Returns the TCP port. */
  int port() {
    return port;
  }

  /** Returns the server's PID. */
  long pid() {
    return process.pid();
  }

  private void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    stop();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }
}
