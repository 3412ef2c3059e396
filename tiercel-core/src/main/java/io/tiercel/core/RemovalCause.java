package io.tiercel.core;

/** Why an entry left a cache. */
public enum RemovalCause {
  /** Removed by a delete, rename or a conditional operation. */
  EXPLICIT,
  /** Its value or expiry was replaced by a write to the same key. */
  REPLACED,
  /** Its time to live ran out. */
  EXPIRED,
  /** The eviction policy chose it to keep the cache under its memory budget. */
  EVICTED,
  /** The whole cache was purged or dropped, or its slot was removed. */
  PURGED;

  /** Returns whether the removal was decided by the cache rather than by a caller. */
  public boolean wasAutomatic() {
    return this == EXPIRED || this == EVICTED;
  }
}
