package io.tiercel.server.config;

import io.tiercel.core.ConfigValues;
import java.util.List;
import java.util.Locale;

/**
 * The value of {@code client-output-buffer-limit}, in Redis's syntax: for each class of client
 * ({@code normal}, {@code replica} (or {@code slave}), {@code pubsub}) a hard limit, a soft limit
 * and how many seconds a client may stay over the soft limit, e.g.
 * {@code pubsub 32mb 8mb 60}. A limit of 0 is no limit.
 *
 * <p><b>A change names classes.</b> As in Redis ({@code setConfigClientOutputBufferLimitOption}),
 * a value replaces the classes it names and keeps the others' current limits: {@code CONFIG SET
 * client-output-buffer-limit "pubsub 0 0 0"} leaves a customised {@code normal} class alone, and a
 * config file with one line per class (as redis.conf ships) gets all three. A value is checked
 * whole before any class changes, so a bad class anywhere changes nothing; an empty value names no
 * class and changes nothing.
 *
 * @param normal clients that only get replies to their own commands
 * @param replica replicas (accepted for compatibility; a node sends replicas nothing yet)
 * @param pubsub clients that get pushes: pub/sub messages, invalidations, agents' SYNC messages
 */
public record OutputBufferLimits(Limit normal, Limit replica, Limit pubsub) {

  /** Redis's defaults: no limit for normal clients, 256mb/64mb/60 replicas, 32mb/8mb/60 pubsub. */
  public static final OutputBufferLimits DEFAULT = new OutputBufferLimits(
      new Limit(0, 0, 0), new Limit(256L << 20, 64L << 20, 60), new Limit(32L << 20, 8L << 20, 60));

  /**
   * One class's limits.
   *
   * @param hard bytes at which the client is closed at once; 0 for none
   * @param soft bytes the client may exceed for {@code softSeconds}; 0 for none
   * @param softSeconds how long a client may stay over {@code soft} before it is closed
   */
  public record Limit(long hard, long soft, long softSeconds) {
    /** Returns whether this class is unlimited. */
    public boolean unlimited() {
      return hard == 0 && soft == 0;
    }

    String format() {
      return hard + " " + soft + " " + softSeconds;
    }
  }

  /**
   * Returns these limits with the classes {@code text} names replaced, or throws naming the bad
   * part of the setting {@code key}.
   */
  public OutputBufferLimits with(String key, String text) {
    String[] words = text.isBlank() ? new String[0] : text.trim().split("\\s+");
    if (words.length % 4 != 0) {
      throw ConfigType.invalid(key, text, "CLASS HARD SOFT SECONDS ..., a multiple of 4 words");
    }
    Limit n = normal;
    Limit r = replica;
    Limit p = pubsub;
    for (int i = 0; i < words.length; i += 4) {
      String name = words[i].toLowerCase(Locale.ROOT);
      if (!List.of("normal", "replica", "slave", "pubsub").contains(name)) {
        throw ConfigType.invalid(key, text,
            "a client class of normal, replica (or slave) or pubsub, not '" + words[i] + "'");
      }
      Limit limit = new Limit(size(key, text, words[i + 1]), size(key, text, words[i + 2]),
          seconds(key, text, words[i + 3]));
      switch (name) {
        case "normal" -> n = limit;
        case "pubsub" -> p = limit;
        default -> r = limit;
      }
    }
    return new OutputBufferLimits(n, r, p);
  }

  /** Formats the limits as Redis's CONFIG GET shows them, sizes in bytes. */
  public String format() {
    return "normal " + normal.format() + " slave " + replica.format() + " pubsub "
        + pubsub.format();
  }

  private static long size(String key, String text, String word) {
    try {
      return ConfigValues.parseBytes(key, word);
    } catch (IllegalArgumentException e) {
      throw ConfigType.invalid(key, text, "a hard or soft limit such as 32mb, not '" + word + "'");
    }
  }

  private static long seconds(String key, String text, String word) {
    try {
      long v = Long.parseLong(word);
      if (v >= 0 && v <= Integer.MAX_VALUE) {
        return v;
      }
    } catch (NumberFormatException e) {
      // falls through
    }
    throw ConfigType.invalid(key, text, "soft seconds as a whole number, not '" + word + "'");
  }
}
