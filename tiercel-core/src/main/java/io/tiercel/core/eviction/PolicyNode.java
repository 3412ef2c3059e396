package io.tiercel.core.eviction;

/**
 * An entry as an eviction policy sees it: a weight, a key hash, and intrusive links that put it in
 * at most one of the policy's queues at a time.
 *
 * <p>The links and the queue id belong to the policy and are touched only under the cache's
 * eviction lock. A node's weight and hash never change: a write to a key creates a new node that
 * takes the old one's place ({@link EvictionPolicy#onReplace}).
 *
 * <p>The queue id (two bits: no policy has more than three queues) shares one int with 30 bits
 * the subclass gives at construction, which the store uses for the key hash. That saves the
 * entry a field: with compact object headers a store entry is then 24 bytes instead of 32. The
 * policy rewrites the int while lock-free readers may read the hash bits; an int write is atomic
 * and never changes those bits, so a reader always sees the hash it was built with.
 */
public abstract class PolicyNode {
  /** The queue id of a node that is in no queue: not yet added, or already removed. */
  public static final byte UNLINKED = 0;
  /** The bits of {@link #bits} that hold the subclass's value; the top two hold the queue. */
  public static final int LOW_BITS = (1 << 30) - 1;
  private static final int QUEUE_SHIFT = 30;

  PolicyNode prev;
  PolicyNode next;
  /** The queue id in the top two bits, the subclass's value in {@link #LOW_BITS}. */
  private int bits;

  /** Creates an unlinked node with no value in its low bits. */
  protected PolicyNode() {}

  /** Creates an unlinked node keeping {@code lowBits & LOW_BITS} for the subclass. */
  protected PolicyNode(int lowBits) {
    this.bits = lowBits & LOW_BITS;
  }

  /** Returns the value given at construction, masked to {@link #LOW_BITS}. */
  protected final int lowBits() {
    return bits & LOW_BITS;
  }

  /** Returns the bytes this entry is accounted for: key, value and its overhead. */
  public abstract int weight();

  /** Returns the key's hash, spread over its bits; used by sketches and ghost lists. */
  public abstract int keyHash();

  /** Returns which of its policy's queues the node is in, or {@link #UNLINKED}. */
  public final byte queue() {
    return (byte) (bits >>> QUEUE_SHIFT);
  }

  /** Puts the node's queue id to {@code queue} (0 to 3); under the eviction lock. */
  final void setQueue(byte queue) {
    bits = (bits & LOW_BITS) | (queue << QUEUE_SHIFT);
  }

  /** Returns whether the node is resident in its policy. */
  public final boolean isLinked() {
    return queue() != UNLINKED;
  }
}
