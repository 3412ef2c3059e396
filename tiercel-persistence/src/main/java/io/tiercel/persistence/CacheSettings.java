package io.tiercel.persistence;

import io.tiercel.core.ConfigValues;
import io.tiercel.core.FsyncPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How one named cache is kept on disk: whether its writes are logged, when its log is forced, and
 * how often it is snapshotted. The node's {@code appendonly}, {@code appendfsync} and
 * {@code snapshot-interval} are the defaults; {@code CACHE CREATE name appendonly=yes ...} and the
 * config file's {@code cache name ...} lines override them per cache.
 *
 * @param appendOnly whether every write of the cache is logged
 * @param fsync when the cache's log is forced to disk
 * @param snapshotInterval time between snapshots of the changed cache; zero for none
 */
public record CacheSettings(boolean appendOnly, FsyncPolicy fsync, Duration snapshotInterval) {
  /** The option names a cache definition may carry. */
  public static final Set<String> KEYS = Set.of("appendonly", "appendfsync", "snapshot-interval");

  /** Validates every field. */
  public CacheSettings {
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(snapshotInterval, "snapshotInterval");
    if (snapshotInterval.isNegative()) {
      throw new IllegalArgumentException(
          "snapshot-interval: " + snapshotInterval + " (expected: >= 0)");
    }
  }

  /** Returns whether {@code key} (any case, {@code _} for {@code -}) is one of {@link #KEYS}. */
  public static boolean isKey(String key) {
    return KEYS.contains(normalize(key));
  }

  /**
   * Returns these settings with {@code options} ({@code appendonly=yes}, ...) applied.
   *
   * @throws IllegalArgumentException naming the option and what was expected
   */
  public CacheSettings with(Map<String, String> options) {
    boolean aof = appendOnly;
    FsyncPolicy policy = fsync;
    Duration interval = snapshotInterval;
    for (Map.Entry<String, String> o : options.entrySet()) {
      String value = o.getValue().trim();
      switch (normalize(o.getKey())) {
        case "appendonly" -> aof = switch (value.toLowerCase(Locale.ROOT)) {
          case "yes" -> true;
          case "no" -> false;
          default -> throw new IllegalArgumentException(
              "appendonly: '" + value + "' (expected: yes or no)");
        };
        case "appendfsync" -> policy = FsyncPolicy.parse(value);
        case "snapshot-interval" -> interval =
            ConfigValues.parseDuration("snapshot-interval", value);
        default -> throw new IllegalArgumentException("cache option: '" + o.getKey()
            + "' is not a persistence setting (expected: " + String.join(", ", KEYS) + ")");
      }
    }
    return new CacheSettings(aof, policy, interval);
  }

  /** Returns these settings with the {@code key=value,...} spec of {@link #spec()} applied. */
  public CacheSettings withSpec(String spec) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("cache option: '" + part + "' (expected: key=value)");
      }
      options.put(part.substring(0, eq), part.substring(eq + 1));
    }
    return with(options);
  }

  /** Returns the settings as {@code appendonly=yes,appendfsync=always,snapshot-interval=30s}. */
  public String spec() {
    StringBuilder sb = new StringBuilder();
    describe().forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=')
        .append(v));
    return sb.toString();
  }

  /** Returns the settings by option name, as {@code CACHE INFO} shows them. */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("appendonly", appendOnly ? "yes" : "no");
    m.put("appendfsync", fsync.configName());
    m.put("snapshot-interval", format(snapshotInterval));
    return m;
  }

  /** Formats a duration the way {@link ConfigValues#parseDuration} reads it back. */
  static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static String normalize(String key) {
    return key.trim().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
