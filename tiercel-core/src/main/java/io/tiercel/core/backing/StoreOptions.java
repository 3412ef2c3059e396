package io.tiercel.core.backing;

import io.tiercel.core.ConfigValues;
import io.tiercel.core.FsyncPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The backing-store settings of one named cache, parsed from the same {@code key=value} options
 * as {@link io.tiercel.core.CacheConfig} ({@code CACHE CREATE users store=jdbc:sqlite:u.db
 * mode=write-behind flush-interval=5s}) and from the config file.
 *
 * <ul>
 *   <li>{@code store}: a JDBC URL, shards {@code 0-8191:jdbc:...;8192-16383:jdbc:...}, or
 *       {@code none} (default)
 *   <li>{@code mode}: {@code cache-aside | read-through | write-through | write-behind |
 *       write-back} (default {@code write-through} when a store is set)
 *   <li>{@code batch-size} (500), {@code flush-interval} (1s), {@code queue-bound} (100000
 *       pending keys), {@code on-full=block|error} (block), {@code full-timeout} (5s)
 *   <li>{@code retry-min} (100ms), {@code retry-max} (30s): backoff while the store is down
 *   <li>{@code lanes} (16): threads of the key-affinity executor
 *   <li>{@code fsync=always|everysec|no} (everysec): the pending-write journal's fsync policy, as
 *       {@code appendfsync}. Every policy writes a queued write to the journal file (the OS) before
 *       its ack, so a killed node loses nothing; {@code always} also fsyncs before the ack (group
 *       commit), {@code everysec} once a second (a power loss may lose the last second)
 *   <li>{@code table}, {@code key-column} ({@code k}), {@code value-column} ({@code v})
 * </ul>
 */
public record StoreOptions(
    String store,
    StoreMode mode,
    int batchSize,
    Duration flushInterval,
    int queueBound,
    boolean blockWhenFull,
    Duration fullTimeout,
    Duration retryMin,
    Duration retryMax,
    int lanes,
    FsyncPolicy fsync,
    String table,
    String keyColumn,
    String valueColumn) {

  /** The option keys this record owns; the rest of a cache spec belongs to CacheConfig. */
  public static final Set<String> KEYS = Set.of("store", "mode", "batch-size", "flush-interval",
      "queue-bound", "on-full", "full-timeout", "retry-min", "retry-max", "lanes", "fsync",
      "table", "key-column", "value-column");

  /** Validates every field. */
  public StoreOptions {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(fsync, "fsync");
    positive("batch-size", batchSize);
    positive("queue-bound", queueBound);
    positive("lanes", lanes);
    if (lanes > 1024) {
      throw new IllegalArgumentException("lanes: " + lanes + " (expected: 1..1024)");
    }
    if (flushInterval.isNegative() || flushInterval.isZero()) {
      throw new IllegalArgumentException("flush-interval: " + flushInterval + " (expected: > 0)");
    }
    if (retryMin.isNegative() || retryMin.isZero() || retryMax.compareTo(retryMin) < 0) {
      throw new IllegalArgumentException("retry-min/retry-max: " + retryMin + "/" + retryMax
          + " (expected: 0 < retry-min <= retry-max)");
    }
    if (hasStore(store) || !table.isEmpty()) {
      Identifiers.require("table", table.isEmpty() ? "t" : table);
    }
    Identifiers.require("key-column", keyColumn);
    Identifiers.require("value-column", valueColumn);
    if (!hasStore(store) && mode != StoreMode.CACHE_ASIDE) {
      throw new IllegalArgumentException("mode: " + mode.configName()
          + " needs store=<jdbc url> (expected: a store, or mode=cache-aside)");
    }
  }

  /** Returns the settings of a cache without a backing store. */
  public static StoreOptions none() {
    return parse(Map.of());
  }

  /** Returns whether this cache has a backing store it uses. */
  public boolean enabled() {
    return hasStore(store) && mode != StoreMode.CACHE_ASIDE;
  }

  /** Returns whether {@code key} (any case, {@code _} or {@code -}) is a store option. */
  public static boolean isStoreKey(String key) {
    return KEYS.contains(normalize(key));
  }

  /** Parses store options from a map of option keys to values; unknown keys are errors. */
  public static StoreOptions parse(Map<String, String> options) {
    Map<String, String> o = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : options.entrySet()) {
      String k = normalize(e.getKey());
      if (!KEYS.contains(k)) {
        throw new IllegalArgumentException("store option: unknown key '" + e.getKey() + "'");
      }
      o.put(k, e.getValue().trim());
    }
    String store = o.getOrDefault("store", "none");
    StoreMode mode = o.containsKey("mode") ? StoreMode.parse(o.get("mode"))
        : hasStore(store) ? StoreMode.WRITE_THROUGH : StoreMode.CACHE_ASIDE;
    String onFull = o.getOrDefault("on-full", "block").toLowerCase(Locale.ROOT);
    if (!onFull.equals("block") && !onFull.equals("error")) {
      throw new IllegalArgumentException("on-full: '" + onFull + "' (expected: block or error)");
    }
    FsyncPolicy fsync = FsyncPolicy.parse("fsync", o.getOrDefault("fsync", "everysec"));
    return new StoreOptions(store, mode,
        integer(o, "batch-size", 500),
        duration(o, "flush-interval", Duration.ofSeconds(1)),
        integer(o, "queue-bound", 100_000),
        onFull.equals("block"),
        duration(o, "full-timeout", Duration.ofSeconds(5)),
        duration(o, "retry-min", Duration.ofMillis(100)),
        duration(o, "retry-max", Duration.ofSeconds(30)),
        integer(o, "lanes", 16),
        fsync,
        o.getOrDefault("table", ""),
        o.getOrDefault("key-column", "k"),
        o.getOrDefault("value-column", "v"));
  }

  /** Returns the table of cache {@code cacheName}: the table option, else the cache's name. */
  public String tableFor(String cacheName) {
    if (!table.isEmpty()) {
      return table;
    }
    String t = cacheName.replace('-', '_').replace('.', '_');
    return Identifiers.require("table", Character.isDigit(t.charAt(0)) ? "t_" + t : t);
  }

  /** Returns the settings in spec syntax, with the store's credentials hidden. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("store", redact(store));
    m.put("mode", mode.configName());
    if (enabled()) {
      m.put("batch-size", Integer.toString(batchSize));
      m.put("flush-interval", flushInterval.toMillis() + "ms");
      m.put("queue-bound", Integer.toString(queueBound));
      m.put("on-full", blockWhenFull ? "block" : "error");
      m.put("lanes", Integer.toString(lanes));
      m.put("fsync", fsync.configName());
    }
    return m;
  }

  /** Hides {@code password=...} values of a JDBC URL. */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static boolean hasStore(String store) {
    return !store.isBlank() && !store.equalsIgnoreCase("none");
  }

  private static String normalize(String key) {
    return key.trim().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static int integer(Map<String, String> o, String key, int dflt) {
    String v = o.get(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + v + "' (expected: an integer)");
    }
  }

  private static Duration duration(Map<String, String> o, String key, Duration dflt) {
    String v = o.get(key);
    return v == null ? dflt : ConfigValues.parseDuration(key, v);
  }

  private static void positive(String key, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(key + ": " + v + " (expected: > 0)");
    }
  }
}
