package io.tiercel.client;

import java.nio.file.Path;

/**
 * Opens an embedded cache, writes one key and returns from {@code main} without closing the
 * cache or calling {@code System.exit}: the JVM must still end. Usage: {@code ROOT NAME KEY VALUE}.
 */
public final class UnclosedCacheMain {
  private UnclosedCacheMain() {}

  /** Serves the cache, sets the key, prints {@code set serving=B} and returns. */
  public static void main(String[] args) {
    EmbeddedCache cache = Tiercel.open(args[1],
        EmbeddedOptions.builder().root(Path.of(args[0])).build());
    cache.set(args[2], args[3]);
    System.out.println("set serving=" + cache.isServing());
  }
}
