package io.tiercel.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags of one bench subcommand: {@code --name value}, {@code --name=value} and bare switches.
 *
 * <p>Each subcommand declares which flags take a value and which are switches; anything else, a
 * missing value or a positional argument is a {@link UsageException}.
 */
public final class Args {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> switches = new HashSet<>();

  private Args() {}

  /** Parses {@code args} against the allowed valued flags and switches (names without dashes). */
  public static Args parse(String[] args, Set<String> valued, Set<String> allowedSwitches) {
    Args parsed = new Args();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new UsageException("unexpected argument: '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (allowedSwitches.contains(name) && value == null) {
        parsed.switches.add(name);
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 == args.length) {
            throw new UsageException("--" + name + ": missing value");
          }
          value = args[++i];
        }
        parsed.values.put(name, value);
      } else {
        throw new UsageException("unknown flag: --" + name);
      }
    }
    return parsed;
  }

  /** Returns the value of {@code --name}, or null if it was not given. */
  public String get(String name) {
    return values.get(name);
  }

  /** Returns the value of {@code --name}, or {@code fallback} if it was not given. */
  public String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  /** Returns whether the switch {@code --name} was given. */
  public boolean has(String name) {
    return switches.contains(name);
  }

  /** Returns {@code --name} as a positive long, or {@code fallback} if it was not given. */
  public long positiveLong(String name, long fallback) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    long value = parseLong(name, text);
    if (value <= 0) {
      throw new UsageException("--" + name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  /** Returns {@code --name} as a positive int, or {@code fallback} if it was not given. */
  public int positiveInt(String name, int fallback) {
    long value = positiveLong(name, fallback);
    if (value > Integer.MAX_VALUE) {
      throw new UsageException("--" + name + ": " + value + " (expected: <= 2^31-1)");
    }
    return (int) value;
  }

  /** Returns {@code --name} as a non-negative int, or {@code fallback} if it was not given. */
  public int nonNegativeInt(String name, int fallback) {
    String text = values.get(name);
    if (text == null) {
      return fallback;
    }
    long value = parseLong(name, text);
    if (value < 0 || value > Integer.MAX_VALUE) {
      throw new UsageException("--" + name + ": " + value + " (expected: 0 to 2^31-1)");
    }
    return (int) value;
  }

  /** Returns the comma-separated items of {@code --name}, or an empty list if not given. */
  public List<String> list(String name) {
    String text = values.get(name);
    List<String> items = new ArrayList<>();
    if (text == null) {
      return items;
    }
    for (String item : text.split(",")) {
      if (!item.isBlank()) {
        items.add(item.trim());
      }
    }
    if (items.isEmpty()) {
      throw new UsageException("--" + name + ": empty list");
    }
    return items;
  }

  /** Returns the comma-separated positive ints of {@code --name}, or an empty list. */
  public List<Integer> intList(String name) {
    List<Integer> ints = new ArrayList<>();
    for (String item : list(name)) {
      long value = parseLong(name, item);
      if (value <= 0 || value > Integer.MAX_VALUE) {
        throw new UsageException("--" + name + ": " + item + " (expected: 1 to 2^31-1)");
      }
      ints.add((int) value);
    }
    return ints;
  }

  private static long parseLong(String name, String text) {
    try {
      return Long.parseLong(text.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + ": '" + text + "' (expected: an integer)");
    }
  }
}
