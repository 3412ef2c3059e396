package io.tiercel.client;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The entry point of the Java client library.
 *
 * <pre>{@code
 * try (EmbeddedCache cache = Tiercel.open("foo_cache", EmbeddedOptions.builder()
 *     .snapshotInterval(Duration.ofSeconds(30)).defaultExpiry(Duration.ofMinutes(10)).build())) {
 *   cache.set("user:1", "Ada");
 *   String name = cache.get("user:1");
 * }
 * }</pre>
 */
public final class Tiercel {
  /** One host per cache directory in this JVM, with the number of open handles on it. */
  private static final Map<CacheDirectory, Entry> HOSTS = new HashMap<>();

  private static final class Entry {
    final CacheHost host;
    int handles;

    Entry(CacheHost host) {
      this.host = host;
    }
  }

  private Tiercel() {}

  /** Opens cache {@code name} with the default options. */
  public static EmbeddedCache open(String name) {
    return open(name, EmbeddedOptions.defaults());
  }

  /**
   * Opens the embedded cache {@code name} under {@code options.root()}: the first process on the
   * host to open it serves it, later ones connect to that process, and when it exits one of
   * them takes over with the data it had acknowledged. Handles opened on the same cache in one
   * process share everything but their default expiry.
   *
   * @throws IllegalArgumentException if the name is not a plain file name
   * @throws CacheUnavailableException if the cache cannot be opened or served
   */
  public static EmbeddedCache open(String name, EmbeddedOptions options) {
    Objects.requireNonNull(options, "options");
    CacheDirectory dir = CacheDirectory.create(options.root(), name);
    EmbeddedLogging.apply(dir, options);
    synchronized (HOSTS) {
      Entry e = HOSTS.get(dir);
      if (e == null) {
        e = new Entry(CacheHost.open(dir, options));
        HOSTS.put(dir, e);
      }
      e.handles++;
      return new EmbeddedCache(e.host, options.defaultExpiry());
    }
  }

  /** Drops one handle of {@code host}; the last one closes it. */
  static void release(CacheHost host) {
    synchronized (HOSTS) {
      Entry e = HOSTS.get(host.dir());
      if (e == null || e.host != host || --e.handles > 0) {
        return;
      }
      HOSTS.remove(host.dir());
    }
    host.close();
  }
}
