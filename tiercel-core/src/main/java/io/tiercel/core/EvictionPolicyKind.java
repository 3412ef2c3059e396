package io.tiercel.core;

import java.util.Locale;

/** The eviction policies a cache can be created with. */
public enum EvictionPolicyKind {
  /** Least recently used. */
  LRU,
  /** Adaptive Replacement Cache (Megiddo and Modha), with ghost lists and an adaptive target. */
  ARC,
  /** Window TinyLFU (Einziger, Friedman and Manes): an LRU window, frequency-based admission, SLRU. */
  TINYLFU;

  /** Returns the lower-case name used in flags, config files and {@code CONFIG SET}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code lru}, {@code arc} or {@code tinylfu} (also {@code wtinylfu}), ignoring case. */
  public static EvictionPolicyKind parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "lru" -> LRU;
      case "arc" -> ARC;
      case "tinylfu", "wtinylfu", "w-tinylfu" -> TINYLFU;
      default -> throw new IllegalArgumentException(
          "policy: '" + text + "' (expected: lru, arc or tinylfu)");
    };
  }
}
