package io.tiercel.core.eviction;

import io.tiercel.core.EvictionPolicyKind;
import java.util.function.Consumer;

/**
 * Least recently used: one queue in access order; the head is evicted first.
 *
 * <p>Not thread-safe: every method runs under the cache's eviction lock.
 */
public final class LruPolicy implements EvictionPolicy {

  /*
   * LRU, the classic stack algorithm [1]: the entry not used for the longest time goes first.
   * It is the baseline every other policy is measured against. It adapts at once to a change of
   * working set but keeps no frequency, so a scan floods it: one pass over cold keys flushes the
   * whole hot set, the weakness LRU-K [2], ARC and W-TinyLFU address.
   *
   * Exact, not sampled. Redis approximates LRU [3]: each eviction samples maxmemory-samples keys
   * (5 by default) and evicts the one idle longest among them and a small pool of earlier
   * candidates, to save the two list pointers per key. Here the queue is exact for every access it
   * is given; the two pointers live in the entry's PolicyNode. Accesses reach it through the
   * cache's lossy read buffer (BP-Wrapper), so under contention a few reads are dropped and the
   * order is that of the reads the policy saw.
   *
   * Weighted: the queue's total weight (bytes) is kept within the maximum by evicting from the
   * head; a hit or a replacement moves the entry to the tail. All operations are O(1).
   *
   * [1] Mattson, Gecsei, Slutz and Traiger, Evaluation Techniques for Storage Hierarchies.
   *     IBM Systems Journal 9(2), 1970.
   * [2] O'Neil, O'Neil and Weikum, The LRU-K Page Replacement Algorithm for Database Disk
   *     Buffering. SIGMOD 1993.
   * [3] Redis documentation, Key eviction: "Approximated LRU algorithm"
   *     (https://redis.io/docs/latest/develop/reference/eviction/).
   */
  private final NodeDeque queue = new NodeDeque((byte) 1);
  private long maximum;

  /** Creates an LRU policy keeping its entries within {@code maximum} weight. */
  public LruPolicy(long maximum) {
    this.maximum = maximum;
  }

  @Override
  public EvictionPolicyKind kind() {
    return EvictionPolicyKind.LRU;
  }

  @Override
  public void onAdd(PolicyNode node) {
    queue.addLast(node);
  }

  @Override
  public void onAccess(PolicyNode node) {
    if (queue.contains(node)) {
      queue.moveToBack(node);
    }
  }

  @Override
  public void onReplace(PolicyNode old, PolicyNode node) {
    if (queue.contains(old)) {
      queue.replace(old, node);
      queue.moveToBack(node);
    } else {
      onAdd(node);
    }
  }

  @Override
  public void onRemove(PolicyNode node) {
    if (queue.contains(node)) {
      queue.remove(node);
    }
  }

  @Override
  public int evict(Consumer<PolicyNode> evictor) {
    int evicted = 0;
    while (queue.weight() > maximum && !queue.isEmpty()) {
      PolicyNode victim = queue.pollFirst();
      evictor.accept(victim);
      evicted++;
    }
    return evicted;
  }

  @Override
  public long weightedSize() {
    return queue.weight();
  }

  @Override
  public long size() {
    return queue.size();
  }

  @Override
  public long maximum() {
    return maximum;
  }

  @Override
  public void setMaximum(long maximum) {
    this.maximum = maximum;
  }

  @Override
  public void forEach(Consumer<PolicyNode> action) {
    queue.forEach(action);
  }
}
