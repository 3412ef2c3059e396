package io.tiercel.core;

/**
 * Wraps every cache a {@link CacheManager} creates and hears of every drop; persistence hooks in
 * here to log a cache's writes.
 */
public interface CacheDecorator {

  /** Returns the cache to serve in place of the new {@code cache} (which may be returned as is). */
  Cache decorate(Cache cache);

  /** Called after the cache {@code name} was dropped and purged. */
  default void dropped(String name) {}

  /** The decorator that changes nothing. */
  CacheDecorator NONE = cache -> cache;
}
