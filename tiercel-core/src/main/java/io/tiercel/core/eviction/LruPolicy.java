package io.tiercel.core.eviction;

import io.tiercel.core.EvictionPolicyKind;
import java.util.function.Consumer;

/**
 * Least recently used: one queue in access order; the head is evicted first.
 *
 * <p>The baseline every other policy is measured against. It adapts instantly to changes in the
 * working set but is flooded by scans: a single pass over cold keys flushes the whole hot set.
 * Weighted: the queue's total weight is kept within the maximum, evicting from the head.
 */
public final class LruPolicy implements EvictionPolicy {
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
