package io.tiercel.bench.sim;

import java.util.Objects;

/**
 * A key trace loaded into memory: every policy and size replays the same array.
 *
 * @param name the file name without {@code .gz} and {@code .keys}, as printed in result rows
 * @param keys the requested keys in order
 */
public record Trace(String name, long[] keys) {

  /** Validates the fields. */
  public Trace {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(keys, "keys");
  }

  /** Returns the number of requests. */
  public int length() {
    return keys.length;
  }

  /** Returns the first {@code limit} requests, or this trace if it is not longer. */
  public Trace limit(int limit) {
    if (limit >= keys.length) {
      return this;
    }
    return new Trace(name, java.util.Arrays.copyOf(keys, limit));
  }

  /** Returns the trace name printed for {@code fileName} ({@code arc-OLTP.keys.gz} is arc-OLTP). */
  public static String nameOf(String fileName) {
    String name = fileName;
    for (String suffix : new String[] {".gz", ".txt", ".keys", ".trace"}) {
      if (name.endsWith(suffix) && name.length() > suffix.length()) {
        name = name.substring(0, name.length() - suffix.length());
      }
    }
    return name;
  }
}
