package io.tiercel.bench.sim;

/** One cache under simulation: it sees every request of a trace in order, as a demand cache. */
public interface SimPolicy {

  /** Returns the name printed in result rows ({@code lru}, {@code caffeine}, {@code opt}, ...). */
  String name();

  /**
   * Requests {@code key}: returns true on a hit; on a miss offers the key to the cache (which may
   * admit it or not) and returns false.
   */
  boolean record(long key);

  /** Called once after the last request; checks the cache's invariants. */
  default void finish() {}
}
