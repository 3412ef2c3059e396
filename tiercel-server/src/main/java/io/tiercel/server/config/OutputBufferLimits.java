package io.tiercel.server.config;

import io.tiercel.core.ConfigValues;
import java.util.Locale;

/**
 * The value of {@code client-output-buffer-limit}, in Redis's syntax: for each class of client
 * ({@code normal}, {@code replica} (or {@code slave}), {@code pubsub}) a hard limit, a soft limit
 * and how many seconds a client may stay over the soft limit, e.g.
 * {@code pubsub 32mb 8mb 60}. A limit of 0 is no limit. Classes the text does not name keep
 * their defaults.
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

  /** Parses {@code text} for the setting {@code key}, or throws naming the bad part. */
  public static OutputBufferLimits parse(String key, String text) {
    String[] words = text.trim().isEmpty() ? new String[0] : text.trim().split("\\s+");
    if (words.length == 0 || words.length % 4 != 0) {
      throw ConfigType.invalid(key, text, SYNTAX);
    }
    Limit normal = DEFAULT.normal;
    Limit replica = DEFAULT.replica;
    Limit pubsub = DEFAULT.pubsub;
    for (int i = 0; i < words.length; i += 4) {
      Limit limit = new Limit(size(key, text, words[i + 1]), size(key, text, words[i + 2]),
          seconds(key, text, words[i + 3]));
      switch (words[i].toLowerCase(Locale.ROOT)) {
        case "normal" -> normal = limit;
        case "replica", "slave" -> replica = limit;
        case "pubsub" -> pubsub = limit;
        default -> throw ConfigType.invalid(key, text,
            "a class of normal, replica or pubsub, not '" + words[i] + "'");
      }
    }
    return new OutputBufferLimits(normal, replica, pubsub);
  }

  /** Formats the limits as Redis's CONFIG GET shows them, sizes in bytes. */
  public String format() {
    return "normal " + normal.format() + " slave " + replica.format() + " pubsub "
        + pubsub.format();
  }

  static final String SYNTAX = "CLASS HARD SOFT SECONDS ..., CLASS one of normal, replica, pubsub";

  private static long size(String key, String text, String word) {
    try {
      return ConfigValues.parseBytes(key, word);
    } catch (IllegalArgumentException e) {
      throw ConfigType.invalid(key, text, "a size such as 32mb, not '" + word + "'");
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
    throw ConfigType.invalid(key, text, "whole seconds, not '" + word + "'");
  }
}
