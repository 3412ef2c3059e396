package io.tiercel.core.backing;

/**
 * The latest queued change of one key: its new value, or null for a delete. {@code parked}
 * entries (write-back) wait until their cache entry leaves the cache before they are flushed.
 */
public record PendingWrite(byte[] key, byte[] value, boolean parked) {

  /** Returns whether this change deletes the key. */
  public boolean isDelete() {
    return value == null;
  }
}
