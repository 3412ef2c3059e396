package io.tiercel.agent.sync;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A key of a named cache, compared by content; the array must not change. */
public record CacheKey(String cache, byte[] key) {
  @Override
  public boolean equals(Object o) {
    return o instanceof CacheKey k && cache.equals(k.cache) && Arrays.equals(key, k.key);
  }

  @Override
  public int hashCode() {
    return cache.hashCode() * 31 + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return cache + "/" + new String(key, StandardCharsets.UTF_8);
  }
}
