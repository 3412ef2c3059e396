package io.tiercel.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tiercel.core.Clock;

/**
 * A real redis-server and an in-process node side by side, for tests that compare their replies;
 * skips the test class when redis-server is not installed.
 */
final class RedisAndNode implements AutoCloseable {
  final RedisServerProcess redis;
  final TiercelServer tiercel;

  private RedisAndNode(RedisServerProcess redis, TiercelServer tiercel) {
    this.redis = redis;
    this.tiercel = tiercel;
  }

  /** Starts redis-server and a node with {@code ioThreads} worker loops, each on a free port. */
  static RedisAndNode start(int ioThreads) throws Exception {
    String binary = RedisServerProcess.binary();
    assumeTrue(binary != null, "redis-server is not installed (dev-support/install-deps.sh)");
    RedisServerProcess redis = RedisServerProcess.start(binary);
    try {
      TiercelServer tiercel = new TiercelServer(new ServerConfig().set("port", "0")
          .set("io-threads", Integer.toString(ioThreads)), Clock.system()).start();
      return new RedisAndNode(redis, tiercel);
    } catch (Exception | Error e) {
      redis.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      tiercel.close();
    } finally {
      redis.close();
    }
  }
}
