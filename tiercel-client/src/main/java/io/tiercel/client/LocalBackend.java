package io.tiercel.client;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.persistence.CommitGate;
import io.tiercel.persistence.Persistence;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.TiercelServer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving process's side: a node running in this JVM on the cache's UNIX socket (no HTTP;
 * TCP on a free loopback port, guarded by the cache's secret), recovering from and logging to
 * the cache's data directory. This process's own calls go straight to the store, and each write
 * returns only once it is as durable as a reply to a remote client would be (written to the log
 * file, and forced to disk under {@code appendfsync always}).
 */
final class LocalBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);
  private static final long DURABLE_TIMEOUT_MS = 30_000;

  private final TiercelServer server;
  private final Cache cache;
  private final CommitGate gate;

  private LocalBackend(TiercelServer server, Cache cache, CommitGate gate) {
    this.server = server;
    this.cache = cache;
    this.gate = gate;
  }

  /** Starts the node over {@code dir}, recovering what an earlier serving process left there. */
  static LocalBackend start(CacheDirectory dir, EmbeddedOptions options)
      throws InterruptedException {
    ServerConfig config = new ServerConfig()
        .set("bind", "127.0.0.1")
        .set("port", "0")
        .set("http-port", "-1")
        .set("unixsocket", dir.socket().toString())
        .set("unixsocketperm", "700")
        .set("dir", dir.data().toString())
        .set("appendonly", "yes")
        .set("appendfsync", options.appendFsync())
        .set("snapshot-interval", options.snapshotInterval().toMillis() + "ms")
        .set("maxmemory", Long.toString(options.maxMemory()))
        .set("io-threads", "2")
        .set("requirepass", dir.secret());
    long started = System.nanoTime();
    TiercelServer server = new TiercelServer(config, options.clock()).daemonThreads().start();
    try {
      Cache cache = server.caches().get(dir.name());
      if (cache == null) {
        cache = server.caches().create(dir.name(),
            CacheConfig.builder().maxMemory(options.maxMemory()).build());
      } else if (cache.config().maxMemory() != options.maxMemory()) {
        cache.setMaxMemory(options.maxMemory());
      }
      Persistence p = server.persistence();
      LOG.info("cache '{}': serving on {} ({} keys recovered in {} ms)", dir.name(),
          dir.socket(), cache.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return new LocalBackend(server, cache, p == null ? CommitGate.NONE : p.commitGate());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  @Override
  public byte[] get(byte[] key) {
    return cache.get(key);
  }

  @Override
  public void set(byte[] key, byte[] value, long expireAtMillis) {
    try {
      cache.put(key, value, expireAtMillis);
    } catch (RuntimeException e) {
      throw new CacheErrorException(e.getMessage());
    }
    awaitDurable();
  }

  @Override
  public byte[] pop(byte[] key) {
    byte[] value = cache.compute(key, e -> {
      if (!e.exists()) {
        return null;
      }
      byte[] v = e.value();
      e.remove();
      return v;
    });
    awaitDurable();
    return value;
  }

  @Override
  public void purge() {
    cache.purge();
    awaitDurable();
  }

  @Override
  public boolean serving() {
    return true;
  }

  /** Waits until the writes this thread made are in the log as far as the fsync policy says. */
  private void awaitDurable() {
    try {
      gate.takeTicketFuture().get(DURABLE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheUnavailableException("interrupted waiting for the log", true, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new CacheUnavailableException("the write was not logged within "
          + DURABLE_TIMEOUT_MS + " ms (is the disk full or failing?)", true, e);
    }
  }

  /** Stops serving: finishes in-flight replies, closes the log, removes the socket. */
  @Override
  public void close() {
    server.close();
  }
}
