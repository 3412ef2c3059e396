package io.tiercel.core.eviction;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongToIntFunction;

/**
 * Drives a policy as the store does, over a map of keys: a miss adds, then evicts; when the
 * policy first weighs half its maximum it is told that reads are recorded (every read is passed
 * on, also before: tests drive the policy with all of them).
 */
final class PolicySimulator {
  final EvictionPolicy policy;
  final Map<Long, TestNode> resident = new HashMap<>();
  private final LongToIntFunction hasher;
  private boolean recordingReads;
  long hits;
  long misses;

  PolicySimulator(EvictionPolicy policy) {
    this(policy, TestNode::hashOf);
  }

  /** Creates a simulator whose keys hash with {@code hasher}, to provoke collisions. */
  PolicySimulator(EvictionPolicy policy, LongToIntFunction hasher) {
    this.policy = policy;
    this.hasher = hasher;
  }

  /** Reads {@code key}: a hit is an access, a miss adds a node of {@code weight}; returns hit. */
  boolean get(long key, int weight) {
    TestNode node = resident.get(key);
    if (node != null) {
      hits++;
      policy.onAccess(node);
      return true;
    }
    misses++;
    node = new TestNode(key, weight, hasher.applyAsInt(key));
    resident.put(key, node);
    policy.onAdd(node);
    policy.evict(victim -> resident.remove(((TestNode) victim).key, victim));
    if (!recordingReads && policy.weightedSize() >= policy.maximum() >>> 1) {
      recordingReads = true;
      policy.onReadRecordingStarted();
    }
    return false;
  }

  /** Reads {@code key} with weight 1. */
  boolean get(long key) {
    return get(key, 1);
  }

  /** Returns whether {@code key} is resident. */
  boolean contains(long key) {
    return resident.containsKey(key);
  }

  /** Returns the hit ratio since the last {@link #resetStats()}. */
  double hitRatio() {
    long requests = hits + misses;
    return requests == 0 ? 0 : (double) hits / requests;
  }

  /** Forgets the hit and miss counts. */
  void resetStats() {
    hits = 0;
    misses = 0;
  }
}
