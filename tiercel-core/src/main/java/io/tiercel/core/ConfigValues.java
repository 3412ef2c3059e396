package io.tiercel.core;

import java.time.Duration;
import java.util.Locale;

/**
 * Parses the value syntaxes shared by flags, the config file, {@code CONFIG SET} and cache specs.
 *
 * <p><b>Sizes are read exactly as Redis reads them</b> ({@code memtoull} in Redis's
 * {@code src/util.c}, behind {@code CONFIG SET maxmemory}, {@code client-output-buffer-limit} and
 * redis.conf): ASCII digits, then at most one unit, in any case: none or {@code b} is bytes,
 * {@code k m g} are powers of 1000 and {@code kb mb gb} powers of 1024. So {@code 1k} is 1000 and
 * {@code 1kb} 1024, {@code 64m} is 64,000,000 and {@code 64mb} 67,108,864. Nothing else is a size:
 * no sign, fraction, space or other unit ({@code -1}, {@code 1.5mb}, {@code 1 mb} and {@code 1tb}
 * are refused, as Redis refuses them). Tiercel's own sizes are written with {@code kb mb gb}.
 *
 * <p>There is no {@code t} or {@code tb}: Redis has none, and a unit one server reads and the other
 * refuses would make a config line or a {@code CONFIG SET} that works on one fail on the other. A
 * tebibyte is {@code 1024gb}. (Tiercel read {@code t}/{@code tb} before; the only place it wrote
 * them, a cache's stored spec, is upgraded where it is read, in tiercel-persistence.)
 *
 * <p>Three answers of Redis are not copied, each a size Redis takes and silently gets wrong: the
 * empty text and a unit alone ({@code kb}) read as 0; digits past 2^64 - 1 saturate; and a product
 * past it wraps ({@code 17179869184gb} is 0). Tiercel refuses these, and any size above
 * {@link Long#MAX_VALUE} (8 EiB), which Redis's unsigned 64 bits would still hold.
 *
 * <p>Durations are a number with a unit {@code ms s m h d} ({@code 120s}, {@code 10m}); a bare
 * number is seconds; {@code 0} means off.
 */
public final class ConfigValues {
  private static final String SIZE =
      "a size such as 1048576, 512mb or 2gb; units k m g (powers of 1000), kb mb gb (of 1024)";

  private ConfigValues() {}

  /** Parses a byte size such as {@code 512mb} as Redis does; {@code key} names the setting. */
  public static long parseBytes(String key, String text) {
    int end = 0;
    while (end < text.length() && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
      end++;
    }
    if (end == 0) {
      throw invalid(key, text, SIZE);
    }
    long multiplier =
        switch (asciiLowerCase(text.substring(end))) {
          case "", "b" -> 1L;
          case "k" -> 1_000L;
          case "kb" -> 1L << 10;
          case "m" -> 1_000_000L;
          case "mb" -> 1L << 20;
          case "g" -> 1_000_000_000L;
          case "gb" -> 1L << 30;
          default -> throw invalid(key, text, SIZE);
        };
    try {
      return Math.multiplyExact(Long.parseLong(text, 0, end, 10), multiplier);
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

  /**
   * Formats a byte count the way {@link #parseBytes} reads it back: whole gibibytes, mebibytes or
   * kibibytes with {@code gb mb kb} ({@code 512mb}, {@code 1024gb}), else plain bytes.
   */
  public static String formatBytes(long bytes) {
    String[] units = {"gb", "mb", "kb"};
    int[] shifts = {30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes >= unit && bytes % unit == 0) {
        return (bytes / unit) + units[i];
      }
    }
    return Long.toString(bytes);
  }

  /** Lower-cases ASCII letters only, as C's {@code strcasecmp} compares them. */
  private static String asciiLowerCase(String s) {
    char[] c = s.toCharArray();
    for (int i = 0; i < c.length; i++) {
      if (c[i] >= 'A' && c[i] <= 'Z') {
        c[i] = (char) (c[i] + ('a' - 'A'));
      }
    }
    return new String(c);
  }

  private static IllegalArgumentException invalid(String key, String text, String expected) {
    return new IllegalArgumentException(key + ": '" + text + "' (expected: " + expected + ")");
  }
}
