package io.tiercel.core;

import java.util.Locale;

/**
 * When a log is forced to disk, as Redis's {@code appendfsync}: the node's append-only log and a
 * write-behind cache's pending-write journal both take it. Under every policy a record is handed
 * to the OS ({@code write()}) before its write is acknowledged, so a killed process loses nothing;
 * the policy only decides how much a lost machine (power) may lose.
 */
public enum FsyncPolicy {
  /** Every write is on disk before its reply leaves (group commit: one fsync per write cycle). */
  ALWAYS,
  /** Written to the OS at once, forced to disk about once a second. */
  EVERYSEC,
  /** Written to the OS at once; the OS decides when it reaches the disk. */
  NO;

  /** Returns the policy named {@code always}, {@code everysec} or {@code no}. */
  public static FsyncPolicy parse(String name) {
    return parse("appendfsync", name);
  }

  /** Returns the policy named {@code name}; errors name the option {@code key}. */
  public static FsyncPolicy parse(String key, String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "always" -> ALWAYS;
      case "everysec" -> EVERYSEC;
      case "no" -> NO;
      default -> throw new IllegalArgumentException(
          key + ": '" + name + "' (expected: always, everysec, no)");
    };
  }

  /** Returns the name as in the config file. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
