package io.tiercel.core.store;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.EvictionPolicyKind;
import java.nio.charset.StandardCharsets;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;

@Param(name = "key", gen = IntGen.class, conf = "1:3")
@Param(name = "value", gen = IntGen.class, conf = "1:5")
/**
 * Lincheck stress test of the store's linearizability. Lincheck cannot instrument Java 25 class
 * files (its "Unable to transform" lines are expected), so it runs in stress mode: real threads,
 * with every outcome checked against {@link SequentialMap}.
 */
public class BoundedCacheLincheckTest {
  private final Cache cache =
      Caches.create("lincheck", CacheConfig.builder().policy(EvictionPolicyKind.LRU).build());

  private static byte[] bytes(int i) {
    return Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.US_ASCII);
  }

  @Operation
  public String get(@Param(name = "key") int key) {
    return text(cache.get(bytes(key)));
  }

  @Operation
  public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
    cache.put(bytes(key), bytes(value));
  }

  @Operation
  public boolean remove(@Param(name = "key") int key) {
    return cache.remove(bytes(key));
  }

  /** INCR through compute: the read and the write must be one atomic step. */
  @Operation
  public long increment(@Param(name = "key") int key) {
    return cache.compute(bytes(key), e -> {
      long next = (e.exists() ? Long.parseLong(text(e.value())) : 0) + 1;
      e.setValue(bytes((int) next));
      return next;
    });
  }

  /** SET NX through compute. */
  @Operation
  public boolean putIfAbsent(@Param(name = "key") int key, @Param(name = "value") int value) {
    return cache.compute(bytes(key), e -> {
      if (e.exists()) {
        return false;
      }
      e.setValue(bytes(value));
      return true;
    });
  }

  /**
   * Checks that get, put, remove, increment and putIfAbsent on a few keys, run from several
   * threads, always produce results some sequential order of the same calls would produce.
   */
  @Test
  public void operationsAreLinearizable() {
    StressOptions options =
        new StressOptions()
            .iterations(20)
            .invocationsPerIteration(500)
            .sequentialSpecification(SequentialMap.class);
    LinChecker.check(BoundedCacheLincheckTest.class, options);
  }

  /** The sequential specification: a plain map. */
  public static final class SequentialMap {
    private final java.util.HashMap<Integer, Integer> map = new java.util.HashMap<>();

    public String get(int key) {
      Integer v = map.get(key);
      return v == null ? null : Integer.toString(v);
    }

    public void put(int key, int value) {
      map.put(key, value);
    }

    public boolean remove(int key) {
      return map.remove(key) != null;
    }

    public long increment(int key) {
      int next = map.getOrDefault(key, 0) + 1;
      map.put(key, next);
      return next;
    }

    public boolean putIfAbsent(int key, int value) {
      return map.putIfAbsent(key, value) == null;
    }
  }
}
