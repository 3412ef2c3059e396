package io.tiercel.core;

/**
 * Told of every entry that leaves a cache, with the cause; write-back and invalidation hook in here.
 *
 * <p>Called on the thread that removed the entry, after the cache's locks are released. The
 * arrays are the listener's to keep. An exception thrown by a listener is logged and swallowed: it
 * never breaks the cache's maintenance.
 */
@FunctionalInterface
public interface RemovalListener {

  /** Receives a removed entry's key, value and cause. */
  void onRemoval(byte[] key, byte[] value, RemovalCause cause);

  /**
   * Returns whether only automatic removals ({@link RemovalCause#wasAutomatic()}: evictions and
   * expirations) interest this listener; a cache then skips copying the entries of the others.
   */
  default boolean automaticOnly() {
    return false;
  }

  /** The listener that ignores every removal; a cache given it skips copying removed entries. */
  RemovalListener NONE = (key, value, cause) -> {};

  /** Returns the listener that ignores every removal. */
  static RemovalListener none() {
    return NONE;
  }
}
