package io.tiercel.core.eviction;

import io.tiercel.core.EvictionPolicyKind;
import java.util.function.Consumer;

/**
 * Adaptive Replacement Cache: recency and frequency lists whose balance adapts to ghost hits.
 *
 * <p>Not thread-safe: every method runs under the cache's eviction lock.
 */
public final class ArcPolicy implements EvictionPolicy {

  /*
   * ARC [1], adapted to weights. Resident entries are in T1 (seen once recently) or T2 (seen at
   * least twice); B1 and B2 remember the hashes and weights of entries recently evicted from T1
   * and T2. A hit in T1 or T2 moves the entry to T2's MRU end. The target p is the weight T1
   * should have: eviction takes T1's LRU entry while T1 is heavier than p, else T2's LRU entry,
   * and the victim's hash goes to the MRU end of the matching ghost list. A new key whose hash is
   * in B1 ("evicted from T1 too early") grows p; one in B2 ("T2 was too small") shrinks it; either
   * way the entry enters T2. A one-time scan only cycles through T1, so T2's entries survive it,
   * and the cache tunes itself between LRU-like (p = maximum) and LFU-like (p = 0) behaviour
   * with no parameter to set.
   *
   * Weights. The paper counts pages; here every size is in bytes. c is maximum(). p lives in
   * [0, c]. A ghost hit of weight w moves p by w x max(1, |B2| / |B1|) on B1 and by
   * w x max(1, |B1| / |B2|) on B2 (|X| = total weight of X), the paper's delta scaled by how much
   * the hit would have cost. The paper's bounds become:
   *   |T1| + |T2| <= c        after evict(), as the SPI requires;
   *   |T1| + |B1| <= c        B1's LRU ghosts are dropped when a newcomer or a ghost pushes over;
   *   |T1| + |T2| + |B1| + |B2| <= 2c  and  |B1| + |B2| <= c   B2's LRU ghosts (then B1's) go.
   * In the paper, ghosts exist only when the cache is full, so the last two bounds coincide;
   * deletions by the store can empty T without touching B, so the ghost bound is stated apart.
   *
   * SPI mapping. The paper's REPLACE runs before the missing page enters; our store links the
   * new node first (onAdd) and evicts afterwards. So evict() leaves out the weight of the node
   * added last when comparing T1 with p, and remembers whether it came from B2 for the paper's
   * tie rule (|T1| == p evicts from T1 only on a B2 hit). A rewrite (onReplace) is a hit: the new
   * node takes the old one's place and moves to T2's MRU end. A delete (onRemove) unlinks without
   * leaving a ghost: a deleted key returning is not evidence of a wrong eviction.
   *
   * Ghost memory: 17 bytes per ghost-table slot, 23 to 45 bytes per ghost with the load factor
   * (GhostLists). Ghosts weigh at most c in total, so with entries of similar weight there is at
   * most one ghost per resident entry: replaying the OLTP and cache2k web12 traces with a full
   * directory measured 23 to 37 bytes of ghosts per cached entry. Ghosts are 32-bit hashes, so a
   * colliding key can score a false ghost hit, which only nudges p.
   *
   * Check: with unit weights, replaying the paper's OLTP trace gives 38.85%, 46.03%, 55.17%,
   * 61.83% and 65.32% at c = 1,000, 2,000, 5,000, 10,000 and 15,000, against 38.93%, 46.08%,
   * 55.25%, 61.87% and 65.40% in the paper's Table IV. Like the paper's ARC, this one is no
   * better than LRU on a loop larger than the cache (LIRS loop, cs): with T2 empty, T1 fills the
   * cache and case IV.A drops T1's LRU without a ghost, so nothing ever returns as a hit.
   *
   * [1] Megiddo and Modha, ARC: A Self-Tuning, Low Overhead Replacement Cache. FAST 2003.
   *     https://www.usenix.org/legacy/events/fast03/tech/full_papers/megiddo/megiddo.pdf
   */

  /** The queue id of T1, entries seen once recently; also the ghost list id of B1. */
  static final byte T1 = 1;
  /** The queue id of T2, entries seen at least twice; also the ghost list id of B2. */
  static final byte T2 = 2;
  /** The ghost list of entries evicted from T1. */
  static final byte B1 = 1;
  /** The ghost list of entries evicted from T2. */
  static final byte B2 = 2;

  private final NodeDeque t1 = new NodeDeque(T1);
  private final NodeDeque t2 = new NodeDeque(T2);
  private final GhostLists ghosts = new GhostLists();

  private long maximum;
  private long p;

  // The node the next REPLACE makes room for, and whether it was a ghost hit in B2
  private PolicyNode incoming;
  private boolean incomingFromB2;

  /** Creates an ARC policy keeping its entries within {@code maximum} weight. */
  public ArcPolicy(long maximum) {
    setMaximum(maximum);
  }

  @Override
  public EvictionPolicyKind kind() {
    return EvictionPolicyKind.ARC;
  }

  @Override
  public void onAdd(PolicyNode node) {
    int slot = ghosts.find(node.keyHash());
    if (slot == GhostLists.NIL) {
      // Case IV: a miss in all four lists
      t1.addLast(node);
      incomingFromB2 = false;
    } else {
      // Cases II and III: evicted too early; adapt the target towards the list that lost it
      long b1 = ghosts.weight(B1);
      long b2 = ghosts.weight(B2);
      double w = ghosts.weightAt(slot);
      if (ghosts.listAt(slot) == B1) {
        double delta = (b1 >= b2 || b1 == 0) ? w : w * b2 / b1;
        p = (long) Math.min(maximum, p + delta);
        incomingFromB2 = false;
      } else {
        double delta = (b2 >= b1 || b2 == 0) ? w : w * b1 / b2;
        p = (long) Math.max(0, p - delta);
        incomingFromB2 = true;
      }
      ghosts.remove(slot);
      t2.addLast(node);
    }
    incoming = node;
    trimGhosts();
  }

  @Override
  public void onAccess(PolicyNode node) {
    byte queue = node.queue();
    if (queue == T1) {
      // Case I: seen twice, so it is frequent now
      t1.remove(node);
      t2.addLast(node);
    } else if (queue == T2) {
      t2.moveToBack(node);
    }
  }

  @Override
  public void onReplace(PolicyNode old, PolicyNode node) {
    byte queue = old.queue();
    if (queue == T1) {
      t1.replace(old, node);
    } else if (queue == T2) {
      t2.replace(old, node);
    } else {
      onAdd(node);
      return;
    }
    if (incoming == old) {
      incoming = node;
    }
    onAccess(node);
  }

  @Override
  public void onRemove(PolicyNode node) {
    byte queue = node.queue();
    if (queue == T1) {
      t1.remove(node);
    } else if (queue == T2) {
      t2.remove(node);
    }
  }

  @Override
  public int evict(Consumer<PolicyNode> evictor) {
    int evicted = 0;
    while (weightedSize() > maximum) {
      // REPLACE, as if the incoming node were not linked yet
      long t1Weight = t1.weight();
      if (incoming != null && incoming.queue() == T1) {
        t1Weight -= incoming.weight();
      }
      boolean fromT1 = !t1.isEmpty()
          && (t2.isEmpty() || t1Weight > p || (t1Weight == p && incomingFromB2));
      PolicyNode victim;
      if (fromT1) {
        victim = t1.pollFirst();
        ghosts.addLast(B1, victim.keyHash(), victim.weight());
      } else {
        victim = t2.pollFirst();
        ghosts.addLast(B2, victim.keyHash(), victim.weight());
      }
      trimGhosts();
      evictor.accept(victim);
      evicted++;
    }
    incoming = null;
    incomingFromB2 = false;
    return evicted;
  }

  /** Drops LRU ghosts until the weighted forms of the paper's directory bounds hold. */
  private void trimGhosts() {
    while (t1.weight() + ghosts.weight(B1) > maximum && ghosts.removeFirst(B1)) {
      // |L1| <= c
    }
    while (ghosts.size() > 0
        && (ghosts.weight() > maximum || weightedSize() + ghosts.weight() > 2 * maximum)) {
      // |L1| + |L2| <= 2c and |B1| + |B2| <= c, trimming B2 first as case IV.B does
      if (!ghosts.removeFirst(B2)) {
        ghosts.removeFirst(B1);
      }
    }
  }

  @Override
  public long weightedSize() {
    return t1.weight() + t2.weight();
  }

  @Override
  public long size() {
    return (long) t1.size() + t2.size();
  }

  @Override
  public long maximum() {
    return maximum;
  }

  @Override
  public void setMaximum(long maximum) {
    if (maximum < 0) {
      throw new IllegalArgumentException("maximum: " + maximum + " (expected: >= 0)");
    }
    this.maximum = maximum;
    p = Math.min(p, maximum);
    trimGhosts();
  }

  @Override
  public void forEach(Consumer<PolicyNode> action) {
    t1.forEach(action);
    t2.forEach(action);
  }

  /** Returns the target weight of T1. */
  long target() {
    return p;
  }

  /** Returns the total weight of T1 (queue {@link #T1}). */
  long recentWeight() {
    return t1.weight();
  }

  /** Returns the total weight of T2 (queue {@link #T2}). */
  long frequentWeight() {
    return t2.weight();
  }

  /** Returns the ghost lists B1 and B2. */
  GhostLists ghosts() {
    return ghosts;
  }
}
