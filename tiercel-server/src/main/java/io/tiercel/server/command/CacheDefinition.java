package io.tiercel.server.command;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheManager;
import io.tiercel.persistence.CacheSettings;
import io.tiercel.persistence.Persistence;
import io.tiercel.server.backing.StoreCaches;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cache definition, {@code NAME key=value ...}, as {@code CACHE CREATE} and the config file's
 * {@code cache} lines give it: the persistence options ({@code appendonly}, {@code appendfsync},
 * {@code snapshot-interval}) go to {@link Persistence}, the rest (policy, maxmemory, ttl, and a
 * backing store's options) to {@link StoreCaches}.
 *
 * @param name the cache's name
 * @param persistenceOptions the persistence options, by name
 * @param otherOptions every other option, as {@code key=value}
 */
public record CacheDefinition(String name, Map<String, String> persistenceOptions,
    List<String> otherOptions) {

  /** Splits {@code options} of cache {@code name}. */
  public static CacheDefinition of(String name, List<String> options) {
    Map<String, String> persistence = new LinkedHashMap<>();
    List<String> other = new ArrayList<>();
    for (String option : options) {
      int eq = option.indexOf('=');
      if (eq > 0 && CacheSettings.isKey(option.substring(0, eq))) {
        persistence.put(option.substring(0, eq), option.substring(eq + 1));
      } else {
        other.add(option);
      }
    }
    return new CacheDefinition(name, persistence, other);
  }

  /** Parses a config file line's value, {@code NAME key=value ...}. */
  public static CacheDefinition parse(String line) {
    String[] parts = line.strip().split("\\s+");
    return of(parts[0], List.of(parts).subList(1, parts.length));
  }

  /** Returns whether the cache sits in front of a database ({@code store=}). */
  public boolean backed() {
    for (String o : otherOptions) {
      if (o.regionMatches(true, 0, "store=", 0, 6) && !o.substring(6).equalsIgnoreCase("none")) {
        return true;
      }
    }
    return false;
  }

  /** Returns the store settings (policy, maxmemory, ttl) over {@code defaults}. */
  public CacheConfig cacheConfig(CacheConfig defaults) {
    StringBuilder spec = new StringBuilder();
    for (String o : otherOptions) {
      int eq = o.indexOf('=');
      String key = eq > 0 ? o.substring(0, eq) : o;
      if (!io.tiercel.core.backing.StoreOptions.isStoreKey(key)) {
        spec.append(spec.isEmpty() ? "" : ",").append(o);
      }
    }
    return defaults.with(spec.toString());
  }

  /**
   * Returns the persistence settings over the node's defaults, or null if the node keeps nothing
   * on disk or the cache is backed by a database.
   *
   * @throws IllegalArgumentException if persistence options are given where they cannot apply
   */
  public CacheSettings settings(Persistence persistence) {
    if (persistenceOptions.isEmpty()) {
      return persistence == null || backed() ? null : persistence.defaults();
    }
    if (persistence == null) {
      throw new IllegalArgumentException("cache '" + name + "': " + String.join(", ",
          persistenceOptions.keySet()) + " need persistence on this node (start it with --dir "
          + "DIR, or --appendonly yes, or define the cache in the config file)");
    }
    if (backed()) {
      throw new IllegalArgumentException("cache '" + name + "': " + String.join(", ",
          persistenceOptions.keySet()) + " do not apply to a cache with a backing store "
          + "(its data lives in the database and its own write journal)");
    }
    return persistence.defaults().with(persistenceOptions);
  }

  /** Creates the cache in {@code caches}, kept on disk as its persistence options say. */
  public Cache create(Persistence persistence, CacheManager caches, Path dir) {
    CacheSettings settings = settings(persistence);
    if (settings == null) {
      return StoreCaches.create(caches, dir, name, otherOptions);
    }
    return persistence.create(name, settings,
        () -> StoreCaches.create(caches, dir, name, otherOptions));
  }
}
