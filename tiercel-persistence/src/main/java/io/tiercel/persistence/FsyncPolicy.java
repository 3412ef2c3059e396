package io.tiercel.persistence;

import java.util.Locale;

/** When the append-only log is forced to disk, as Redis's {@code appendfsync}. */
public enum FsyncPolicy {
  /** Every write is on disk before its reply leaves (group commit: one fsync per write cycle). */
  ALWAYS,
  /** Written to the OS at once, forced to disk about once a second. */
  EVERYSEC,
  /** Written to the OS at once; the OS decides when it reaches the disk. */
  NO;

  /** Returns the policy named {@code always}, {@code everysec} or {@code no}. */
  public static FsyncPolicy parse(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "always" -> ALWAYS;
      case "everysec" -> EVERYSEC;
      case "no" -> NO;
      default -> throw new IllegalArgumentException(
          "appendfsync: '" + name + "' (expected: always, everysec, no)");
    };
  }

  /** Returns the name as in the config file. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
