package io.tiercel.core;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses the value syntaxes shared by flags, the config file, {@code CONFIG SET} and cache specs.
 *
 * <p>Sizes follow Redis: a plain number is bytes; {@code k kb m mb g gb t tb} are powers of 1024
 * ({@code 512mb}, {@code 2g}). Durations are a number with a unit {@code ms s m h d}
 * ({@code 120s}, {@code 10m}); a bare number is seconds; {@code 0} means off.
 */
public final class ConfigValues {
  private ConfigValues() {}

  /** Parses a byte size such as {@code 512mb}; {@code key} names the setting in the error. */
  public static long parseBytes(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int end = 0;
    while (end < t.length() && Character.isDigit(t.charAt(end))) {
      end++;
    }
    if (end == 0) {
      throw invalid(key, text, "a size such as 1048576, 512mb or 2g");
    }
    long multiplier =
        switch (t.substring(end)) {
          case "", "b" -> 1L;
          case "k", "kb" -> 1L << 10;
          case "m", "mb" -> 1L << 20;
          case "g", "gb" -> 1L << 30;
          case "t", "tb" -> 1L << 40;
          default -> throw invalid(key, text, "a size such as 1048576, 512mb or 2g");
        };
    try {
      return Math.multiplyExact(Long.parseLong(t.substring(0, end)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw invalid(key, text, "a size below 8 exabytes");
    }
  }

  /** Parses a duration such as {@code 120s}; {@code key} names the setting in the error. */
  public static Duration parseDuration(String key, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int end = 0;
    while (end < t.length() && Character.isDigit(t.charAt(end))) {
      end++;
    }
    if (end == 0) {
      throw invalid(key, text, "a duration such as 500ms, 120s, 10m, 2h or 1d");
    }
    long amount;
    try {
      amount = Long.parseLong(t.substring(0, end));
    } catch (NumberFormatException e) {
      throw invalid(key, text, "a duration below 292 years");
    }
    try {
      return switch (t.substring(end)) {
        case "ms" -> Duration.ofMillis(amount);
        case "", "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> throw invalid(key, text, "a duration such as 500ms, 120s, 10m, 2h or 1d");
      };
    } catch (ArithmeticException e) {
      throw invalid(key, text, "a duration below 292 years");
    }
  }

  /** Formats a byte count the way {@link #parseBytes} reads it back, e.g. {@code 512mb}. */
  public static String formatBytes(long bytes) {
    String[] units = {"tb", "gb", "mb", "kb"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes >= unit && bytes % unit == 0) {
        return (bytes / unit) + units[i];
      }
    }
    return Long.toString(bytes);
  }

  private static IllegalArgumentException invalid(String key, String text, String expected) {
    return new IllegalArgumentException(key + ": '" + text + "' (expected: " + expected + ")");
  }
}
