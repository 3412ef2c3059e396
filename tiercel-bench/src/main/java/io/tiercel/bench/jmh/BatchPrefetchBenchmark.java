package io.tiercel.bench.jmh;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.PackedKeyValue;
import io.tiercel.core.RemovalListener;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A node's store under a pipeline of 16 commands on uniform random keys, redis-benchmark's shape
 * ({@code key:} and 12 digits, 100-byte values, 100k keys): with and without a prefetch of the
 * batch's keys before the batch runs ({@link Cache#prefetch}, which the node does for every
 * pipeline). The command and its results: {@code tiercel-bench/results/session16/}.
 *
 * <pre>{@code
 * bin/tiercel bench jmh BatchPrefetchBenchmark -f 3 -wi 5 -i 5 -w 2s -r 2s -t 1
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(BatchPrefetchBenchmark.BATCH)
public class BatchPrefetchBenchmark {
  static final int BATCH = 16;
  @Param({"100000"})
  int keys;

  @Param({"false", "true"})
  boolean prefetch;

  private Cache cache;
  private byte[][] keyBytes;
  private final byte[][] batch = new byte[BATCH][];
  private final KeyBatch keyBatch = new KeyBatch();
  private final SplittableRandom random = new SplittableRandom(7);
  private byte[] value;
  public int sink;

  /** Fills the cache with every key. */
  @Setup
  public void setup() {
    cache = Caches.create("jmh", CacheConfig.builder().policy(EvictionPolicyKind.TINYLFU)
        .maxMemory(2L << 30).build(), Clock.system(), RemovalListener.none(),
        ForkJoinPool.commonPool());
    keyBytes = new byte[keys][];
    value = new byte[100];
    for (int i = 0; i < keys; i++) {
      keyBytes[i] = String.format("key:%012d", i).getBytes(StandardCharsets.US_ASCII);
      cache.put(keyBytes[i], value);
    }
  }

  private void draw() {
    for (int k = 0; k < BATCH; k++) {
      batch[k] = keyBytes[random.nextInt(keys)];
    }
    if (prefetch) {
      keyBatch.clear();
      for (byte[] key : batch) {
        keyBatch.add(key);
      }
      cache.prefetch(keyBatch);
    }
  }

  /** Sixteen SETs of fresh packed arrays, as the node stores them. */
  @Benchmark
  public void set() {
    draw();
    for (int k = 0; k < BATCH; k++) {
      byte[] key = batch[k];
      byte[] packed = PackedKeyValue.allocate(key.length, value.length);
      System.arraycopy(key, 0, packed, PackedKeyValue.keyOffset(key.length), key.length);
      System.arraycopy(value, 0, packed, PackedKeyValue.valueOffset(key.length), value.length);
      cache.putPacked(packed, Cache.DEFAULT_TTL);
    }
  }

  /** Sixteen GETs, each copying its value as a reply would. */
  @Benchmark
  public void get() {
    draw();
    for (int k = 0; k < BATCH; k++) {
      sink += cache.read(batch[k], (a, off, len, exp) -> {
        byte[] copy = new byte[len];
        System.arraycopy(a, off, copy, 0, len);
        return copy.length;
      });
    }
  }
}
