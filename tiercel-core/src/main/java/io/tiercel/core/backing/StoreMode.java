package io.tiercel.core.backing;

import java.util.Locale;

/** How a cache uses its backing store. */
public enum StoreMode {
  /** The application reads and writes the database itself; the cache never touches it. */
  CACHE_ASIDE("cache-aside"),
  /** Misses load from the store; writes stay in the cache. */
  READ_THROUGH("read-through"),
  /** Misses load; a write is stored in the database before it is acknowledged. */
  WRITE_THROUGH("write-through"),
  /** Misses load; a write is journaled, acknowledged, and stored later in coalesced batches. */
  WRITE_BEHIND("write-behind"),
  /** Misses load; a write is journaled and stored only when its entry leaves the cache. */
  WRITE_BACK("write-back");

  private final String configName;

  StoreMode(String configName) {
    this.configName = configName;
  }

  /** Returns the name used in specs, e.g. {@code write-behind}. */
  public String configName() {
    return configName;
  }

  /** Returns whether misses load from the store. */
  public boolean loads() {
    return this != CACHE_ASIDE;
  }

  /** Returns whether writes go through the journaled write queue. */
  public boolean queued() {
    return this == WRITE_BEHIND || this == WRITE_BACK;
  }

  /** Parses a spec name such as {@code write-behind}. */
  public static StoreMode parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (StoreMode m : values()) {
      if (m.configName.equals(t)) {
        return m;
      }
    }
    throw new IllegalArgumentException("mode: '" + text
        + "' (expected: cache-aside, read-through, write-through, write-behind or write-back)");
  }
}
