package io.tiercel.core.eviction;

import java.util.function.Consumer;

/**
 * Remembers, approximately, which keys were resident when the store began to record reads, so
 * that marginal decisions against them do not vote.
 *
 * <p>Not thread-safe: owned by one policy, used under the eviction lock.
 */
final class UnrecordedResidents {

  /*
   * The problem. The store records no reads until the cache first weighs half its budget
   * (BoundedCache, "Reads below half the budget"), as Caffeine does before it sizes its sketch.
   * The entries resident at that point were counted once each, by their add, however often they
   * were read: a popular key of that time looks like a one-hit wonder. When such a key is the
   * victim, a newcomer seen twice leads it by one count, a marginal decision. The victim is soon
   * requested again (it is popular), so the pair votes to keep victims, and the referee
   * (MarginalAdmission) learns from keys whose counts are wrong a rule it then applies to every
   * marginal candidate, including a new working set arriving at the same time. On the ARC P3 trace
   * at 131,072 entries that cost 1.1 points against replaying the same policy with every read
   * recorded (docs/benchmarks.md, branch hitratio4); Caffeine's own rule, which never keeps a
   * victim one count behind, does not lose there.
   *
   * The remedy. When the store starts recording reads, it tells the policy
   * (EvictionPolicy.onReadRecordingStarted; PolicySimulator in the tests does the same), and the
   * policy adds the hashes of the resident entries to this filter. A marginal decision whose
   * victim may be one of them is decided by the referee's current rule but casts no vote. The
   * filter is dropped at the sketch's first halving, when the counts of that time have been
   * halved and the recorded history dominates. Small caches (at most SMALL_CACHE_ENTRIES) do not
   * build it: there the residents of the first half are a large share of the trace's keys, often
   * a loop's, whose early votes are the ones that stop the churn (the LIRS cs trace at 700 entries
   * lost 2 to 3 points without them), and a few hundred withheld reads matter less.
   *
   * Layout. A Bloom filter [1] with two probes and 8 bits per entry remembered (about 5 % false
   * positives, which only withhold a vote): 0.5 bytes per entry of the maximum, allocated once
   * and freed at the first halving, so a cache's steady state does not pay for it.
   *
   * [1] Bloom, Space/Time Trade-offs in Hash Coding with Allowable Errors, CACM 13(7), 1970.
   */

  /** Caches of at most this many entries do not withhold votes (see the essay). */
  static final int SMALL_CACHE_ENTRIES = 16_384;

  private long[] bits;
  private int mask;
  private boolean taken;

  /** Returns whether the residents were already taken (the filter may be dropped since). */
  boolean isTaken() {
    return taken;
  }

  /**
   * Remembers the keys {@code residents} visits, once; a cache of at most SMALL_CACHE_ENTRIES
   * {@code entries} only notes that the moment has passed.
   */
  void take(long entries, long count, Consumer<Consumer<PolicyNode>> residents) {
    taken = true;
    if (entries <= SMALL_CACHE_ENTRIES || count == 0) {
      return;
    }
    int words = FrequencySketch.ceilingPowerOfTwo((int) Math.min(Math.max(count / 8, 1), 1 << 24));
    bits = new long[words];
    mask = (words << 6) - 1;
    residents.accept(node -> add(node.keyHash()));
  }

  /** Returns whether {@code keyHash} may have been resident when the residents were taken. */
  boolean mightContain(int keyHash) {
    if (bits == null) {
      return false;
    }
    int h1 = mix(keyHash);
    return isSet(h1) && isSet(secondProbe(h1));
  }

  /** Forgets the residents; later queries answer false. */
  void drop() {
    bits = null;
  }

  /** Returns the bytes held by the filter. */
  long bytes() {
    return bits == null ? 0 : 8L * bits.length;
  }

  private void add(int keyHash) {
    int h1 = mix(keyHash);
    set(h1);
    set(secondProbe(h1));
  }

  private void set(int h) {
    int bit = h & mask;
    bits[bit >>> 6] |= 1L << bit;
  }

  private boolean isSet(int h) {
    int bit = h & mask;
    return (bits[bit >>> 6] & (1L << bit)) != 0;
  }

  /** Returns the second probe's hash, derived from the first: halves swapped, then scrambled. */
  private static int secondProbe(int h1) {
    return ((h1 >>> 16) | (h1 << 16)) * 0x9E3779B9;
  }

  /** A murmur-style finalizer, so that nearby hashes set unrelated bits. */
  private static int mix(int x) {
    x ^= x >>> 16;
    x *= 0x85ebca6b;
    x ^= x >>> 13;
    x *= 0xc2b2ae35;
    x ^= x >>> 16;
    return x;
  }
}
