package io.tiercel.core.eviction;

import io.tiercel.core.EvictionPolicyKind;
import java.util.function.Consumer;

/**
 * Decides which resident entries to evict so that their total weight stays within a maximum.
 *
 * <p>Contract with the store:
 * <ul>
 *   <li>Every method is called under the cache's eviction lock, by one thread at a time.
 *   <li>Events for one key arrive in the order the store applied them. Reads arrive later and
 *       may be dropped under contention (they are hints); an access to an unlinked node is ignored.
 *   <li>{@link #evict} hands each victim to the store, which removes it from the table; the
 *       policy unlinks the victim itself and must not expect an {@link #onRemove} for it.
 *   <li>{@link #weightedSize()} is the total weight of linked nodes, exactly.
 *   <li>No read arrives before {@link #onReadRecordingStarted()}, which the store calls once.
 * </ul>
 */
public interface EvictionPolicy {
  /** {@link #frequency} of a policy that counts no access frequencies. */
  int NOT_TRACKED = -1;

  /** Returns which policy this is. */
  EvictionPolicyKind kind();

  /** Links a new entry. */
  void onAdd(PolicyNode node);

  /** Records a read hit of a linked entry; ignores an unlinked one. */
  void onAccess(PolicyNode node);

  /**
   * Notes that reads arrive from now on: the store withholds them until the cache first weighs
   * half its maximum, then calls this once, after that maintenance pass's {@link #evict}.
   */
  default void onReadRecordingStarted() {}

  /**
   * Puts {@code node} in the place of {@code old}, whose key was rewritten, and counts it as an
   * access; if {@code old} is not linked, behaves as {@link #onAdd(PolicyNode) onAdd(node)}.
   */
  void onReplace(PolicyNode old, PolicyNode node);

  /** Unlinks an entry the store removed (delete, expiry, purge); ignores an unlinked one. */
  void onRemove(PolicyNode node);

  /**
   * Evicts until {@link #weightedSize()} is at most {@link #maximum()}, passing each victim to
   * {@code evictor} and unlinking it; returns how many were evicted.
   */
  int evict(Consumer<PolicyNode> evictor);

  /**
   * Returns the policy's estimate of how often {@code keyHash} was requested recently, counting
   * reads the policy still holds unapplied, or {@link #NOT_TRACKED} if it counts no frequencies.
   * Changes nothing: an inquiry is not an access. This default counts none.
   */
  default int frequency(int keyHash) {
    return NOT_TRACKED;
  }

  /** Returns the total weight of linked entries. */
  long weightedSize();

  /** Returns the number of linked entries. */
  long size();

  /** Returns the weight the policy keeps its entries within. */
  long maximum();

  /** Changes the maximum; the caller runs {@link #evict} afterwards. */
  void setMaximum(long maximum);

  /** Visits every linked entry, coldest first as far as the policy can tell. */
  void forEach(Consumer<PolicyNode> action);
}
