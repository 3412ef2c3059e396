package io.tiercel.bench.load;

import io.tiercel.bench.UsageException;
import java.util.SplittableRandom;

/**
 * What the clients ask for: the GET share of requests, the keys and how they are drawn, the value
 * sizes of SETs, an optional TTL, and the seed every client's request stream derives from.
 *
 * <p>Client {@code c} draws from its own {@link SplittableRandom} seeded by {@code (seed, c)}, so
 * each client's sequence of requests is the same on every run with the same flags, whatever the
 * timing; only the interleaving of clients at the server varies.
 */
public record Workload(
    int getWeight,
    int setWeight,
    KeyDistribution keys,
    int valueMin,
    int valueMax,
    long ttlSeconds,
    String keyPrefix,
    long seed) {

  /** Largest value size accepted by {@code --value-size} (memcached's default item limit). */
  public static final int MAX_VALUE_SIZE = 1024 * 1024 - 512;

  public Workload {
    if (getWeight < 0 || setWeight < 0 || getWeight + setWeight == 0) {
      throw new UsageException("--ratio: " + getWeight + ":" + setWeight
          + " (expected: GET:SET weights, not both 0, e.g. 9:1)");
    }
    if (valueMin < 1 || valueMax < valueMin || valueMax > MAX_VALUE_SIZE) {
      throw new UsageException("--value-size: " + valueMin + "-" + valueMax
          + " (expected: N or MIN-MAX with 1 <= MIN <= MAX <= " + MAX_VALUE_SIZE + ")");
    }
    if (ttlSeconds < 0) {
      throw new UsageException("--ttl: " + ttlSeconds + " (expected: >= 0)");
    }
  }

  /** Parses {@code --ratio} such as {@code 9:1} or {@code get:set=9:1} into {GET, SET} weights. */
  public static int[] parseRatio(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    int eq = t.indexOf('=');
    if (eq >= 0) {
      t = t.substring(eq + 1);
    }
    String[] parts = t.split(":");
    try {
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // falls through to the usage error
    }
    throw new UsageException("--ratio '" + text + "' (expected: GET:SET weights such as 9:1)");
  }

  /** Parses {@code --value-size}: {@code 100} or {@code 50-500}; returns {MIN, MAX}. */
  public static int[] parseValueSize(String text) {
    String[] parts = text.trim().split("-", -1);
    try {
      if (parts.length == 1) {
        int size = Integer.parseInt(parts[0].trim());
        return new int[] {size, size};
      }
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      }
    } catch (NumberFormatException e) {
      // falls through to the usage error
    }
    throw new UsageException("--value-size '" + text + "' (expected: N or MIN-MAX, e.g. 50-500)");
  }

  /** Returns the request stream of client {@code client}. */
  public Ops ops(int client) {
    return new Ops(new SplittableRandom(KeyDistribution.RankToKey.mix(seed * 31 + client)));
  }

  /** Returns the ratio as {@code GET:SET}, e.g. {@code 9:1}. */
  public String ratio() {
    return getWeight + ":" + setWeight;
  }

  /** Returns the value size as {@code N} or {@code MIN-MAX}. */
  public String valueSize() {
    return valueMin == valueMax ? Integer.toString(valueMin) : valueMin + "-" + valueMax;
  }

  /** One client's seeded request stream: each call to {@link #next} draws the next request. */
  public final class Ops {
    private final SplittableRandom random;
    private final int total = getWeight + setWeight;
    private OpKind kind;
    private int key;
    private int valueLength;

    Ops(SplittableRandom random) {
      this.random = random;
    }

    /** Draws the next request; read it with {@link #kind}, {@link #key}, {@link #valueLength}. */
    public void next() {
      kind = random.nextInt(total) < getWeight ? OpKind.GET : OpKind.SET;
      key = keys.next(random);
      valueLength = kind == OpKind.SET
          ? (valueMin == valueMax ? valueMin : valueMin + random.nextInt(valueMax - valueMin + 1))
          : 0;
    }

    /** The kind of the request drawn last. */
    public OpKind kind() {
      return kind;
    }

    /** The key index of the request drawn last. */
    public int key() {
      return key;
    }

    /** The value length of the request drawn last (0 for a GET). */
    public int valueLength() {
      return valueLength;
    }
  }
}
