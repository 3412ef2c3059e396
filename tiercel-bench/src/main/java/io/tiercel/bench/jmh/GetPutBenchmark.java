package io.tiercel.bench.jmh;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.tiercel.bench.BytesKey;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.ValueReader;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Read-only and write-only throughput of one shared cache on Zipf-distributed keys, Tiercel next
 * to Caffeine (after Caffeine's own {@code GetPutBenchmark}).
 *
 * <p>The keys are 10 bytes and the values 100 bytes; the cache is filled with every key first and
 * its bound holds them all (with room to spare, or exactly: see {@link #fill}), so {@code get}
 * always hits and {@code put} always replaces. Tiercel is read in place ({@link Cache#read}), on a
 * cache that drains its read buffer on the reading thread as the node and the agent run it, and on
 * one that drains on a pool as Caffeine does by default (see {@link #impl}); Caffeine both ways
 * too, so each configuration has its like. Caffeine's keys wrap the bytes in {@link BytesKey}.
 * {@code caffeine} looks up with the very key objects it stored, as Caffeine's own benchmark does:
 * the hash is cached and equality succeeds on identity, so no key byte is read.
 * {@code caffeine_bytes} wraps the key bytes in a new {@code BytesKey} per operation, which is
 * what a server holding byte keys pays (the request's key arrives as fresh bytes): a hash over the
 * bytes and a byte comparison, as Tiercel does. Run at 1 and 2 threads with the short default
 * settings:
 *
 * <pre>{@code
 * bin/tiercel bench jmh                       # = the line below, once with -t 1 and once with -t 2
 * bin/tiercel bench jmh GetPutBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s -t 1
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GetPutBenchmark {
  /** Draws per thread before the sequence repeats; a power of two. */
  static final int SIZE = 2 << 14;
  static final int MASK = SIZE - 1;
  /** Distinct keys, as in Caffeine's benchmark. */
  static final int ITEMS = SIZE / 3;
  static final int KEY_SIZE = 10;
  static final int VALUE_SIZE = 100;

  /** Returns the live array itself: a read without a copy, consumed by JMH. */
  private static final ValueReader<byte[]> IN_PLACE = (array, offset, length, expireAt) -> array;

  /**
   * Which cache and read path. {@code tiercel_inline}: {@link Cache#read} on a cache that drains
   * its read buffer on the reading thread, as the node's and the agent's caches do;
   * {@code tiercel_read}: the same on a cache that hands drains to the common pool;
   * {@code tiercel_get} (on request): {@link Cache#get}, a copy, on the pooled cache. Caffeine:
   * {@code caffeine} as built by default (drains on the common pool), {@code caffeine_inline}
   * with {@code executor(Runnable::run)}, and {@code caffeine_bytes} (pooled, fresh key objects).
   */
  @Param({"tiercel_inline", "tiercel_read", "caffeine", "caffeine_inline", "caffeine_bytes"})
  String impl;

  /**
   * How full the caches are. {@code sparse} is Caffeine's own benchmark: a bound of {@code 2 x
   * SIZE} entries holding {@code ITEMS}, a sixth of it, so neither cache records reads (both skip
   * their read buffers below half their bound). {@code full}: Caffeine's {@code maximumSize} and
   * Tiercel's byte budget are exactly what the items take, so both record every read, as a cache
   * in steady state does.
   */
  @Param({"sparse", "full"})
  String fill;

  /** Tiercel's eviction policy (ignored by Caffeine). */
  @Param({"tinylfu"})
  String policy;

  private Cache tiercel;
  private com.github.benmanes.caffeine.cache.Cache<BytesKey, byte[]> caffeine;
  private boolean inPlace;
  private boolean freshKeys;
  private byte[][] keys;
  private BytesKey[] boxedKeys;
  private byte[] value;

  /** Each thread walks the shared draw sequence from its own random start. */
  @State(Scope.Thread)
  public static class ThreadState {
    int index = ThreadLocalRandom.current().nextInt();
  }

  /** Builds the keys, the draw sequence and the filled cache. */
  @Setup
  public void setup() {
    int[] draws = Zipf.draw(ITEMS, SIZE, 0x7133_CE1L);
    byte[][] itemKeys = new byte[ITEMS][];
    for (int i = 0; i < ITEMS; i++) {
      itemKeys[i] = key(i);
    }
    keys = new byte[SIZE][];
    boxedKeys = new BytesKey[SIZE];
    BytesKey[] itemBoxed = new BytesKey[ITEMS];
    for (int i = 0; i < ITEMS; i++) {
      itemBoxed[i] = new BytesKey(itemKeys[i]);
    }
    for (int i = 0; i < SIZE; i++) {
      keys[i] = itemKeys[draws[i]];
      boxedKeys[i] = itemBoxed[draws[i]];
    }
    value = new byte[VALUE_SIZE];
    ThreadLocalRandom.current().nextBytes(value);
    switch (impl) {
      case "tiercel_get", "tiercel_read", "tiercel_inline" -> {
        inPlace = !impl.equals("tiercel_get");
        tiercel = filledTiercel(itemKeys, 256L << 20);
        if (fill.equals("full")) {
          // Same entries under a budget of exactly their weight: full, and nothing is evicted.
          tiercel = filledTiercel(itemKeys, tiercel.weightedSize());
        }
      }
      case "caffeine", "caffeine_bytes", "caffeine_inline" -> {
        freshKeys = impl.equals("caffeine_bytes");
        long maximum = fill.equals("full") ? ITEMS : 2L * SIZE;
        Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(maximum);
        if (impl.equals("caffeine_inline")) {
          builder.executor(Runnable::run);
        }
        caffeine = builder.build();
        for (BytesKey key : itemBoxed) {
          caffeine.put(key, value);
        }
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
  }

  /** Returns a Tiercel cache of {@code budget} bytes holding every item; fails if one is missing. */
  private Cache filledTiercel(byte[][] itemKeys, long budget) {
    CacheConfig config = CacheConfig.builder()
        .policy(EvictionPolicyKind.parse(policy))
        .maxMemory(budget)
        .build();
    Cache cache = Caches.create(
        "jmh", config, Clock.system(), RemovalListener.none(),
        impl.equals("tiercel_inline") ? Runnable::run : ForkJoinPool.commonPool());
    for (byte[] key : itemKeys) {
      cache.put(key, value);
    }
    cache.cleanUp();
    if (cache.size() != ITEMS) {
      throw new IllegalStateException("tiercel holds " + cache.size() + " of " + ITEMS);
    }
    return cache;
  }

  /** Reads one key; every read hits. */
  @Benchmark
  public byte[] get(ThreadState thread) {
    int i = thread.index++ & MASK;
    if (caffeine != null) {
      return caffeine.getIfPresent(freshKeys ? new BytesKey(keys[i]) : boxedKeys[i]);
    }
    return inPlace ? tiercel.read(keys[i], IN_PLACE) : tiercel.get(keys[i]);
  }

  /** Writes one key; every write replaces a resident entry. */
  @Benchmark
  public void put(ThreadState thread) {
    int i = thread.index++ & MASK;
    if (caffeine != null) {
      caffeine.put(freshKeys ? new BytesKey(keys[i]) : boxedKeys[i], value);
    } else {
      tiercel.put(keys[i], value);
    }
  }

  /** Returns the 10-byte key of item {@code i}: "k:" and 8 bytes of a scrambled i. */
  static byte[] key(int i) {
    byte[] key = new byte[KEY_SIZE];
    key[0] = 'k';
    key[1] = ':';
    long x = (i + 1) * 0x9E3779B97F4A7C15L;
    for (int b = KEY_SIZE - 1; b >= 2; b--) {
      key[b] = (byte) x;
      x >>>= 8;
    }
    return key;
  }
}
