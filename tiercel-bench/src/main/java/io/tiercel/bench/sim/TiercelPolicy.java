package io.tiercel.bench.sim;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.ManualClock;
import io.tiercel.core.RemovalListener;

/**
 * Replays a trace through the real Tiercel store ({@link Caches#create}), sized to hold exactly
 * {@code maximumSize} entries.
 *
 * <p>The store budgets bytes, not entries. Every key here is the trace's long in 8 big-endian
 * bytes and every value is empty, so all entries weigh the same {@code W} bytes; the cache gets a
 * budget of {@code maximumSize * W}. {@code W} is learned from the store itself by putting one
 * entry into a large cache, and {@link #finish} checks that every entry still weighs {@code W}.
 */
public final class TiercelPolicy implements SimPolicy {
  private static final byte[] EMPTY = new byte[0];

  private final EvictionPolicyKind kind;
  private final int maximumSize;
  private final long entryWeight;
  private final Cache cache;

  /** Creates a cache of {@code kind} that holds {@code maximumSize} entries. */
  public TiercelPolicy(EvictionPolicyKind kind, int maximumSize) {
    if (maximumSize <= 0) {
      throw new IllegalArgumentException("maximumSize: " + maximumSize + " (expected: > 0)");
    }
    this.kind = kind;
    this.maximumSize = maximumSize;
    this.entryWeight = entryWeight(kind);
    CacheConfig config =
        CacheConfig.builder().policy(kind).maxMemory(maximumSize * entryWeight).build();
    this.cache = Caches.create("sim-" + kind.configName(), config, new ManualClock(),
        RemovalListener.none());
  }

  /** Returns the bytes the store accounts for one entry of an 8-byte key and an empty value. */
  public static long entryWeight(EvictionPolicyKind kind) {
    CacheConfig config = CacheConfig.builder().policy(kind).maxMemory(1L << 30).build();
    Cache probe = Caches.create("sim-probe", config, new ManualClock(), RemovalListener.none());
    probe.put(key(1), EMPTY);
    probe.cleanUp();
    long one = probe.weightedSize();
    probe.put(key(-1), EMPTY);
    probe.cleanUp();
    long two = probe.weightedSize();
    if (one <= 0 || two != 2 * one) {
      throw new IllegalStateException(
          "entry weights: " + one + " then " + (two - one) + " (expected: equal and > 0)");
    }
    return one;
  }

  @Override
  public String name() {
    return kind.configName();
  }

  @Override
  public boolean record(long key) {
    byte[] k = key(key);
    if (cache.get(k) != null) {
      return true;
    }
    cache.put(k, EMPTY);
    return false;
  }

  @Override
  public void finish() {
    cache.cleanUp();
    long size = cache.size();
    long weighted = cache.weightedSize();
    if (size > maximumSize || weighted != size * entryWeight) {
      throw new IllegalStateException(kind.configName() + ": " + size + " entries weighing "
          + weighted + " bytes (expected: at most " + maximumSize + " entries of " + entryWeight
          + " bytes each)");
    }
  }

  /** Returns the number of entries the cache holds now. */
  public long size() {
    return cache.size();
  }

  /** Returns {@code key} as 8 big-endian bytes. */
  static byte[] key(long key) {
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) key;
      key >>>= 8;
    }
    return bytes;
  }
}
