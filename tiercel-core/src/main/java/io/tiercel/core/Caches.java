package io.tiercel.core;

import java.util.concurrent.Executor;

import io.tiercel.core.store.BoundedCache;

/** Creates standalone caches; a node keeps its named caches in a {@link CacheManager}. */
public final class Caches {
  private Caches() {}

  /** Returns a new cache on the system clock that tells no one of removals. */
  public static Cache create(String name, CacheConfig config) {
    return create(name, config, Clock.system(), RemovalListener.none());
  }

  /** Returns a new cache reading time from {@code clock} and telling {@code listener} of removals. */
  public static Cache create(
      String name, CacheConfig config, Clock clock, RemovalListener listener) {
    return new BoundedCache(name, config, clock, listener);
  }

  /**
   * Returns a new cache as {@link #create(String, CacheConfig, Clock, RemovalListener)} whose
   * read-triggered maintenance runs on {@code executor} (the node and the agent pass
   * {@code Runnable::run}: the reading event loop drains).
   */
  public static Cache create(
      String name, CacheConfig config, Clock clock, RemovalListener listener, Executor executor) {
    return new BoundedCache(name, config, clock, listener, executor);
  }
}
