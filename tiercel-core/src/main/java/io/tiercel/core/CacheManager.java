package io.tiercel.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * The named caches of one node: {@code default} always exists; others are created and dropped at
 * run time ({@code CACHE CREATE}, {@code SELECT name}).
 */
public final class CacheManager {
  /** The name of the cache that always exists; {@code SELECT 0} selects it. */
  public static final String DEFAULT_CACHE = "default";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

  private final ConcurrentMap<String, Cache> caches = new ConcurrentHashMap<>();
  private final CacheConfig defaults;
  private final Clock clock;
  private final RemovalListener listener;
  private final Executor executor;
  private final CacheDecorator decorator;

  /** Creates a manager whose caches start from {@code defaults}, with the default cache. */
  public CacheManager(CacheConfig defaults, Clock clock, RemovalListener listener) {
    this(defaults, clock, listener, Runnable::run);
  }

  /**
   * Creates a manager whose caches start from {@code defaults} and run read-triggered
   * maintenance on {@code executor}, with the default cache.
   */
  public CacheManager(
      CacheConfig defaults, Clock clock, RemovalListener listener, Executor executor) {
    this(defaults, clock, listener, executor, CacheDecorator.NONE);
  }

  /** Creates a manager whose every cache, the default one included, is wrapped by {@code decorator}. */
  public CacheManager(CacheConfig defaults, Clock clock, RemovalListener listener,
      Executor executor, CacheDecorator decorator) {
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.decorator = Objects.requireNonNull(decorator, "decorator");
    caches.put(DEFAULT_CACHE, decorator.decorate(
        Caches.create(DEFAULT_CACHE, defaults, clock, listener, executor)));
  }

  /** Creates a manager on the system clock with default settings. */
  public CacheManager() {
    this(CacheConfig.defaults(), Clock.system(), RemovalListener.none());
  }

  /** Returns the settings new caches start from. */
  public CacheConfig defaults() {
    return defaults;
  }

  /** Returns the cache that always exists. */
  public Cache defaultCache() {
    return caches.get(DEFAULT_CACHE);
  }

  /** Returns the cache named {@code name}, or null. */
  public Cache get(String name) {
    return caches.get(name);
  }

  /**
   * Creates a cache; fails if the name is taken or not 1-64 characters of letters, digits,
   * {@code _ . -}.
   */
  public Cache create(String name, CacheConfig config) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cache name: '" + name + "' (expected: 1-64 of A-Z a-z 0-9 _ . -, not starting with . or -)");
    }
    if (caches.containsKey(name)) {
      throw new IllegalArgumentException("cache name: '" + name + "' already exists");
    }
    Cache cache = decorator.decorate(Caches.create(name, config, clock, listener, executor));
    if (caches.putIfAbsent(name, cache) != null) {
      throw new IllegalArgumentException("cache name: '" + name + "' already exists");
    }
    return cache;
  }

  /**
   * Adds a cache built by {@code factory}, which receives this manager's removal listener (a
   * backed cache wraps a plain one); the same name rules as {@link #create} apply.
   */
  public Cache add(String name, java.util.function.Function<RemovalListener, Cache> factory) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cache name: '" + name + "' (expected: 1-64 of A-Z a-z 0-9 _ . -, not starting with . or -)");
    }
    if (caches.containsKey(name)) {
      throw new IllegalArgumentException("cache name: '" + name + "' already exists");
    }
    Cache cache = factory.apply(listener);
    if (caches.putIfAbsent(name, cache) != null) {
      throw new IllegalArgumentException("cache name: '" + name + "' already exists");
    }
    return cache;
  }

  /** Returns the clock the caches read. */
  public Clock clock() {
    return clock;
  }

  /** Purges and forgets the cache {@code name}; the default cache cannot be dropped. */
  public boolean drop(String name) {
    if (DEFAULT_CACHE.equals(name)) {
      throw new IllegalArgumentException("cache name: 'default' cannot be dropped");
    }
    Cache cache = caches.remove(name);
    if (cache == null) {
      return false;
    }
    cache.purge();
    decorator.dropped(name);
    return true;
  }

  /** Returns the caches' names, {@code default} first, the rest sorted. */
  public List<String> names() {
    List<String> names = new ArrayList<>(caches.keySet());
    names.remove(DEFAULT_CACHE);
    names.sort(null);
    names.addFirst(DEFAULT_CACHE);
    return names;
  }

  /** Runs pending maintenance on every cache: buffered events, expired entries. */
  public void cleanUp() {
    for (Cache cache : caches.values()) {
      cache.cleanUp();
    }
  }
}
