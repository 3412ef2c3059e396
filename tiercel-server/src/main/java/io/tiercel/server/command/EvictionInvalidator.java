package io.tiercel.server.command;

import io.tiercel.core.RemovalCause;
import io.tiercel.core.RemovalListener;

/**
 * The removal listener that tells tracking clients (and so agents' near caches) about keys the
 * node itself removed: evicted to stay under the memory budget, or expired. Redis's client
 * tracking does the same; without it a client's local copy of an evicted key would outlive the
 * key until its own TTL.
 *
 * <p>The caches exist before the {@link Node} that tracks readers, so the listener is created
 * first and {@link #attach attached} once the node is built; removals before that, and every
 * removal a caller asked for (those invalidate through the write command), are ignored.
 */
public final class EvictionInvalidator implements RemovalListener {
  private volatile Node node;

  /** Starts announcing removals to the tracking clients of {@code n}. */
  public void attach(Node n) {
    this.node = n;
  }

  @Override
  public boolean automaticOnly() {
    return true;
  }

  @Override
  public void onRemoval(byte[] key, byte[] value, RemovalCause cause) {
    Node n = node;
    if (n != null && cause.wasAutomatic() && n.tracking.active()) {
      n.tracking.removedByCache(key);
    }
  }
}
