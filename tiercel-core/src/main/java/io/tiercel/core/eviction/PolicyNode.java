package io.tiercel.core.eviction;

/**
 * An entry as an eviction policy sees it: a weight, a key hash, and intrusive links that put it in
 * at most one of the policy's queues at a time.
 *
 * <p>The links and {@link #queue} belong to the policy and are touched only under the cache's
 * eviction lock. A node's weight and hash never change: a write to a key creates a new node that
 * takes the old one's place ({@link EvictionPolicy#onReplace}).
 */
public abstract class PolicyNode {
  /** {@link #queue} of a node that is in no queue: not yet added, or already removed. */
  public static final byte UNLINKED = 0;

  PolicyNode prev;
  PolicyNode next;
  byte queue;

  /** Returns the bytes this entry is accounted for: key, value and its overhead. */
  public abstract int weight();

  /** Returns the key's hash, spread over all 32 bits; used by sketches and ghost lists. */
  public abstract int keyHash();

  /** Returns which of its policy's queues the node is in, or {@link #UNLINKED}. */
  public final byte queue() {
    return queue;
  }

  /** Returns whether the node is resident in its policy. */
  public final boolean isLinked() {
    return queue != UNLINKED;
  }
}
