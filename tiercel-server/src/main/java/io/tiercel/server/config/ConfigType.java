package io.tiercel.server.config;

import io.tiercel.core.ConfigValues;
import io.tiercel.core.EvictionPolicyKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * How one kind of setting is read from text and written back: every parse failure names the key,
 * the text and what was expected, e.g. {@code port: 'x' (expected: an integer in 0..65535)}.
 *
 * @param <T> the value's Java type
 */
public interface ConfigType<T> {
  /** Parses {@code text} for the setting {@code key}, or throws naming both. */
  T parse(String key, String text);

  /**
   * Returns {@code current} changed by {@code text}, as a flag, a config-file line or {@code
   * CONFIG SET} changes it: for most types the text is the whole new value; a type whose text may
   * name only part of a value keeps the rest of {@code current}, all or nothing.
   */
  default T update(String key, T current, String text) {
    return parse(key, text);
  }

  /** Formats a value the way {@link #parse} reads it back (as CONFIG GET shows it). */
  String format(T value);

  /** Returns what a value looks like, for usage and docs (e.g. {@code 512mb}, {@code yes|no}). */
  String syntax();

  /** Returns the error for a bad value of {@code key}. */
  static IllegalArgumentException invalid(String key, String text, String expected) {
    return new IllegalArgumentException(key + ": '" + text + "' (expected: " + expected + ")");
  }

  /** An integer within {@code [min, max]}. */
  static ConfigType<Integer> integer(int min, int max) {
    return integerWhere(v -> v >= min && v <= max, "an integer in " + min + ".." + max);
  }

  /** Zero (off) or an integer within {@code [min, max]}. */
  static ConfigType<Integer> zeroOr(int min, int max) {
    return integerWhere(v -> v == 0 || (v >= min && v <= max),
        "0 or an integer in " + min + ".." + max);
  }

  /** An integer that {@code allowed} accepts; {@code expected} says which those are. */
  private static ConfigType<Integer> integerWhere(IntPredicate allowed, String expected) {
    return new ConfigType<>() {
      @Override
      public Integer parse(String key, String text) {
        try {
          int v = Integer.parseInt(text.trim());
          if (allowed.test(v)) {
            return v;
          }
        } catch (NumberFormatException e) {
          // falls through to the error naming what is expected
        }
        throw invalid(key, text, expected);
      }

      @Override
      public String format(Integer value) {
        return Integer.toString(value);
      }

      @Override
      public String syntax() {
        return "N";
      }
    };
  }

  /** A byte size within {@code [min, max]} such as {@code 512mb}; shown as plain bytes. */
  static ConfigType<Long> bytes(long min, long max) {
    return new ConfigType<>() {
      @Override
      public Long parse(String key, String text) {
        long v = ConfigValues.parseBytes(key, text);
        if (v < min || v > max) {
          throw invalid(key, text, max == Long.MAX_VALUE
              ? (min == 1 ? "a size above 0" : "a size of at least " + ConfigValues.formatBytes(min))
              : "a size in " + ConfigValues.formatBytes(min) + ".." + ConfigValues.formatBytes(max));
        }
        return v;
      }

      @Override
      public String format(Long value) {
        return Long.toString(value);
      }

      @Override
      public String syntax() {
        return "SIZE";
      }
    };
  }

  /** A duration such as {@code 120s}, {@code 0} for off; shown as {@code 120s} or {@code 500ms}. */
  static ConfigType<Duration> duration() {
    return new ConfigType<>() {
      @Override
      public Duration parse(String key, String text) {
        return ConfigValues.parseDuration(key, text);
      }

      @Override
      public String format(Duration value) {
        long ms = value.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
      }

      @Override
      public String syntax() {
        return "DURATION";
      }
    };
  }

  /** A duration shown as whole seconds, as Redis shows {@code timeout}. */
  static ConfigType<Duration> seconds() {
    ConfigType<Duration> d = duration();
    return new ConfigType<>() {
      @Override
      public Duration parse(String key, String text) {
        return d.parse(key, text);
      }

      @Override
      public String format(Duration value) {
        return Long.toString(value.toSeconds());
      }

      @Override
      public String syntax() {
        return "SECONDS";
      }
    };
  }

  /** {@code yes} or {@code no}. */
  static ConfigType<Boolean> yesNo() {
    ConfigType<String> words = oneOf("yes", "no");
    return new ConfigType<>() {
      @Override
      public Boolean parse(String key, String text) {
        return words.parse(key, text).equals("yes");
      }

      @Override
      public String format(Boolean value) {
        return value ? "yes" : "no";
      }

      @Override
      public String syntax() {
        return "yes|no";
      }
    };
  }

  /** One of a fixed set of lower-case words; case is ignored when parsing. */
  static ConfigType<String> oneOf(String... allowed) {
    List<String> words = List.of(allowed);
    return new ConfigType<>() {
      @Override
      public String parse(String key, String text) {
        String v = text.trim().toLowerCase(Locale.ROOT);
        if (words.contains(v)) {
          return v;
        }
        throw invalid(key, text, String.join(", ", words));
      }

      @Override
      public String format(String value) {
        return value;
      }

      @Override
      public String syntax() {
        return String.join("|", words);
      }
    };
  }

  /** An eviction policy: {@code lru}, {@code arc} or {@code tinylfu}. */
  static ConfigType<EvictionPolicyKind> policy() {
    return new ConfigType<>() {
      @Override
      public EvictionPolicyKind parse(String key, String text) {
        try {
          return EvictionPolicyKind.parse(text.trim());
        } catch (IllegalArgumentException e) {
          throw invalid(key, text, "lru, arc, tinylfu");
        }
      }

      @Override
      public String format(EvictionPolicyKind value) {
        return value.configName();
      }

      @Override
      public String syntax() {
        return "lru|arc|tinylfu";
      }
    };
  }

  /** Any text; empty only if {@code emptyAllowed} (an empty value then means "none"). */
  static ConfigType<String> text(boolean emptyAllowed) {
    return new ConfigType<>() {
      @Override
      public String parse(String key, String text) {
        if (!emptyAllowed && text.isBlank()) {
          throw invalid(key, text, "a value");
        }
        return text;
      }

      @Override
      public String format(String value) {
        return value;
      }

      @Override
      public String syntax() {
        return "TEXT";
      }
    };
  }

  /** A file system path; empty means "none" and is read as the empty path. */
  static ConfigType<Path> path(boolean emptyAllowed) {
    return new ConfigType<>() {
      @Override
      public Path parse(String key, String text) {
        if (text.isBlank()) {
          if (emptyAllowed) {
            return Path.of("");
          }
          throw invalid(key, text, "a path");
        }
        try {
          return Path.of(text);
        } catch (RuntimeException e) {
          throw invalid(key, text, "a path");
        }
      }

      @Override
      public String format(Path value) {
        return value.toString();
      }

      @Override
      public String syntax() {
        return "PATH";
      }
    };
  }

  /** {@code HOST:PORT}, or empty for none. */
  static ConfigType<String> hostPort() {
    return new ConfigType<>() {
      @Override
      public String parse(String key, String text) {
        if (text.isEmpty()) {
          return text;
        }
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
          throw invalid(key, text, "HOST:PORT");
        }
        try {
          int port = Integer.parseInt(text.substring(colon + 1));
          if (port >= 1 && port <= 65535) {
            return text;
          }
        } catch (NumberFormatException e) {
          // falls through
        }
        throw invalid(key, text, "HOST:PORT with a port in 1..65535");
      }

      @Override
      public String format(String value) {
        return value;
      }

      @Override
      public String syntax() {
        return "HOST:PORT";
      }
    };
  }

  /** File permission bits in octal, such as {@code 700}. */
  static ConfigType<Integer> octal() {
    return new ConfigType<>() {
      @Override
      public Integer parse(String key, String text) {
        try {
          int v = Integer.parseInt(text.trim(), 8);
          if (v >= 0 && v <= 0777) {
            return v;
          }
        } catch (NumberFormatException e) {
          // falls through
        }
        throw invalid(key, text, "octal permission bits such as 700");
      }

      @Override
      public String format(Integer value) {
        return Integer.toOctalString(value);
      }

      @Override
      public String syntax() {
        return "OCTAL";
      }
    };
  }

  /**
   * Redis's {@code client-output-buffer-limit}: {@code CLASS HARD SOFT SECONDS ...}; a change
   * replaces the classes it names and keeps the others, as Redis does.
   */
  static ConfigType<OutputBufferLimits> outputBufferLimits() {
    return new ConfigType<>() {
      @Override
      public OutputBufferLimits parse(String key, String text) {
        return OutputBufferLimits.DEFAULT.with(key, text);
      }

      @Override
      public OutputBufferLimits update(String key, OutputBufferLimits current, String text) {
        return current.with(key, text);
      }

      @Override
      public String format(OutputBufferLimits value) {
        return value.format();
      }

      @Override
      public String syntax() {
        return "CLASS HARD SOFT SECONDS ...";
      }
    };
  }
}
