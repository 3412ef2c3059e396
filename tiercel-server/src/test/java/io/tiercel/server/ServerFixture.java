package io.tiercel.server;

import io.tiercel.core.ManualClock;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Starts an in-process node on a free port and a UNIX socket under {@code dir}. */
final class ServerFixture implements AutoCloseable {
  final ManualClock clock;
  final TiercelServer server;
  /** A directory the fixture made and deletes on close, or null. */
  private Path ownDir;

  private ServerFixture(ManualClock clock, TiercelServer server) {
    this.clock = clock;
    this.server = server;
  }

  /** Starts a node whose UNIX socket lives in a new temporary directory, deleted on close. */
  static ServerFixture startInTempDir(String prefix) throws Exception {
    return startInTempDir(prefix, c -> {});
  }

  /** As {@link #startInTempDir(String)}, with {@code settings} applied to the node's config. */
  static ServerFixture startInTempDir(String prefix, Consumer<ServerConfig> settings)
      throws Exception {
    Path dir = java.nio.file.Files.createTempDirectory(prefix);
    ServerFixture fixture = start(dir, settings);
    fixture.ownDir = dir;
    return fixture;
  }

  static ServerFixture start(Path dir, Consumer<ServerConfig> settings) throws Exception {
    ServerConfig config = new ServerConfig()
        .set("port", "0")
        .set("unixsocket", dir.resolve("tiercel.sock").toString())
        .set("io-threads", "2");
    settings.accept(config);
    ManualClock clock = new ManualClock(1_700_000_000_000L);
    TiercelServer server = new TiercelServer(config, clock).start();
    return new ServerFixture(clock, server);
  }

  static ServerFixture start(Path dir) throws Exception {
    return start(dir, c -> {});
  }

  int port() {
    return server.port();
  }

  Path socket() {
    return server.unixSocket();
  }

  @Override
  public void close() {
    server.close();
    if (ownDir != null) {
      try {
        java.nio.file.Files.deleteIfExists(ownDir.resolve("tiercel.sock"));
        java.nio.file.Files.deleteIfExists(ownDir);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
