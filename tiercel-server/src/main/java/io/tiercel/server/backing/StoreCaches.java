package io.tiercel.server.backing;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.core.backing.BackingStore;
import io.tiercel.core.backing.FileWriteJournal;
import io.tiercel.core.backing.StoreOptions;
import io.tiercel.core.backing.StoreStats;
import io.tiercel.core.backing.WriteJournal;
import io.tiercel.jdbc.JdbcStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a node's named caches from {@code key=value} options, giving those with a
 * {@code store=} option a JDBC backing store ({@link BackedCache}); the same options work in
 * {@code CACHE CREATE} and in the config file's {@code cache NAME options...} lines. Queued
 * (write-behind, write-back) caches journal under {@code <dir>/store/<cache>.journal}; opening a
 * cache replays its journal, so a cache declared in the config file flushes what a crash left.
 */
public final class StoreCaches {
  private static final Logger LOG = LoggerFactory.getLogger(StoreCaches.class);

  private StoreCaches() {}

  /**
   * Creates cache {@code name} from {@code options} ({@code policy=lru}, {@code store=jdbc:...},
   * ...) over the manager's defaults.
   */
  public static Cache create(CacheManager caches, Path dir, String name, List<String> options) {
    StringBuilder cacheSpec = new StringBuilder();
    Map<String, String> storeSpec = new LinkedHashMap<>();
    for (String option : options) {
      int eq = option.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("cache option: '" + option + "' (expected: key=value)");
      }
      String key = option.substring(0, eq);
      if (StoreOptions.isStoreKey(key)) {
        storeSpec.put(key, option.substring(eq + 1));
      } else {
        cacheSpec.append(cacheSpec.isEmpty() ? "" : ",").append(option);
      }
    }
    CacheConfig config = caches.defaults().with(cacheSpec.toString());
    StoreOptions store = StoreOptions.parse(storeSpec);
    if (!store.enabled()) {
      return caches.create(name, config);
    }
    Clock clock = caches.clock();
    return caches.add(name, outer -> open(name, config, store, dir, clock, outer));
  }

  private static BackedCache open(String name, CacheConfig config, StoreOptions options, Path dir,
      Clock clock, io.tiercel.core.RemovalListener outer) {
    BackingStore store = JdbcStores.open(name, options);
    WriteJournal journal = WriteJournal.none();
    try {
      if (options.mode().queued()) {
        journal = new FileWriteJournal(journalPath(dir, name), options.fsync(), clock);
      }
      return BackedCache.open(name, listener -> Caches.create(name, config, clock, listener),
          outer, store, journal, options, clock);
    } catch (IOException e) {
      store.close();
      throw new UncheckedIOException("cache " + name + ": cannot open its write journal", e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Returns where cache {@code name}'s pending-write journal lives. */
  public static Path journalPath(Path dir, String name) {
    return dir.resolve("store").resolve(name + ".journal");
  }

  /** Returns the {@code INFO store} section: one line per backed cache. */
  public static String info(CacheManager caches) {
    StringBuilder sb = new StringBuilder("# Store\r\n");
    for (String name : caches.names()) {
      if (caches.get(name) instanceof BackedCache b) {
        StoreStats st = b.storeStats();
        sb.append("store_").append(name).append(":mode=").append(b.mode().configName())
            .append(",store=").append(b.store().describe().replace(',', ' '));
        for (Map.Entry<String, String> e : st.toMap().entrySet()) {
          sb.append(',').append(e.getKey()).append('=')
              .append(e.getValue().replace(',', ' ').replace('\r', ' ').replace('\n', ' '));
        }
        sb.append("\r\n");
      }
    }
    return sb.toString();
  }

  /** Returns a backed cache's settings and counters for {@code CACHE INFO}, or an empty map. */
  public static Map<String, String> describe(Cache cache) {
    Map<String, String> m = new LinkedHashMap<>();
    if (cache instanceof BackedCache b) {
      m.putAll(b.options().toMap());
      m.putAll(b.storeStats().toMap());
    }
    return m;
  }

  /** Closes a dropped cache's store in the background: flushing may wait for the database. */
  public static void closeLater(Cache cache) {
    if (cache instanceof BackedCache b) {
      Thread t = new Thread(b::close, "tiercel-close-" + b.name());
      t.setDaemon(false);
      t.start();
    }
  }

  /** Flushes and closes every backed cache (node shutdown). */
  public static void closeAll(CacheManager caches) {
    for (String name : caches.names()) {
      if (caches.get(name) instanceof BackedCache b) {
        try {
          b.close();
        } catch (RuntimeException e) {
          LOG.warn("closing the store of cache {} failed", name, e);
        }
      }
    }
  }
}
