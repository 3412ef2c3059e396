package io.tiercel.core.eviction;

/**
 * Learns whether a candidate that beats its victim by a single count should replace it, from
 * which of the two is requested first afterwards.
 *
 * <p>Not thread-safe: owned by one policy, used under the eviction lock.
 */
final class MarginalAdmission {

  /*
   * The problem. TinyLFU admits a candidate whose estimated frequency is above the victim's. The
   * candidate's estimate includes the request that just brought it in; the victim's next request
   * has not happened yet. On a workload that cycles over more keys than fit (loops, back-and-forth
   * and zigzag scans), every key has about the same frequency, so each candidate leads its victim
   * by exactly that one fresh count, wins, and evicts a key that is about to be requested: the
   * cache churns and hits almost nothing. With exact counts W-TinyLFU scores 0.4 % on the LIRS
   * back-and-forth trace at 300 entries, where LRU scores 40 %. Caffeine escapes only by the
   * noise of its sketch: keys that share counters get inflated estimates, never lose, and stay
   * resident, so the result depends on which keys collide (0.24 to 0.34 over key permutations).
   * Requiring a lead of two counts instead fixes those traces (and makes them insensitive to the
   * hash), but costs up to 1.5 points on real ones (sprite, web, OLTP), where a second request
   * soon after the first does signal a popular key.
   *
   * The remedy: let the workload decide, from the decisions where the two rules disagree. Each time
   * a candidate leads its victim by exactly one, the pair is remembered. Whichever of the two keys
   * is requested first decides who should have stayed: the victim (a "keep the victim" vote) or the
   * candidate (an "admit" vote). The votes go into one saturating counter, as in the set dueling of
   * adaptive insertion policies [1], and the counter picks the rule for the next marginal decision:
   * victims are kept only while their votes lead by more than KEEP_VICTIM_VOTES. The dead zone
   * keeps workloads whose votes hover around zero (the LIRS sprite trace at 200 entries) on
   * Caffeine's rule instead of flipping between the two, which made their result depend on the
   * hash; on the scans the votes saturate at VOTE_LIMIT within a few dozen decisions, so the dead
   * zone costs them nothing measurable. It adapts from the workload's own requests, as ARC's ghost
   * lists move its target [2], but it judges only the decisions in question, so the rest of the
   * policy stays Caffeine's: with no marginal decisions, or with the counter at or below the dead
   * zone's bound, every decision is Caffeine's. Replayed over the 17 smaller traces of the
   * hit-ratio benchmark with four hash seeds, it gains up to 16 points on the scan-like traces,
   * loses nothing beyond 0.7 points elsewhere, and removes most of the hash luck on the scans
   * (docs/benchmarks.md).
   *
   * Layout. A direct-mapped table of SLOTS pairs of ints, indexed by the low bits of the key hash:
   * the hash, and the partner's slot plus a bit saying whether this key was the victim. Recording
   * a pair overwrites (and unpairs) whatever the two slots held, so the table keeps the most
   * recent marginal decisions and forgets old unresolved ones; a pair whose two keys map to the
   * same slot is not recorded. A request checks one slot: 8 KB per cache, one load per request.
   *
   * [1] Qureshi, Jaleel, Patt, Steely and Emer, Adaptive Insertion Policies for High Performance
   *     Caching, ISCA 2007 (set dueling with a saturating policy selector).
   * [2] Megiddo and Modha, ARC: A Self-Tuning, Low Overhead Replacement Cache, FAST 2003.
   */

  /** The pairs remembered at once (two slots each, at most); a power of two. */
  static final int SLOTS = 1024;
  /** The bound of the vote counter in either direction, so that it can turn within 32 votes. */
  static final int VOTE_LIMIT = 32;
  /** The lead of victim votes above which a marginal candidate is rejected (the dead zone). */
  static final int KEEP_VICTIM_VOTES = 8;

  private static final int MASK = SLOTS - 1;

  private final int[] hashes = new int[SLOTS];
  /** Zero for a free slot, else (partner slot + 1) << 1, plus 1 if this key was the victim. */
  private final int[] pairs = new int[SLOTS];
  private int votes;

  /** Returns whether a candidate one count above its victim should be rejected now. */
  boolean keepsVictim() {
    return votes > KEEP_VICTIM_VOTES;
  }

  /** Returns the vote counter: positive favours the victim, negative the candidate. */
  int votes() {
    return votes;
  }

  /** Remembers a decision between a candidate one count above its victim. */
  void record(int candidateHash, int victimHash) {
    int candidate = candidateHash & MASK;
    int victim = victimHash & MASK;
    if (candidate == victim) {
      return;
    }
    unpair(candidate);
    unpair(victim);
    hashes[candidate] = candidateHash;
    pairs[candidate] = (victim + 1) << 1;
    hashes[victim] = victimHash;
    pairs[victim] = ((candidate + 1) << 1) | 1;
  }

  /** Notes a request for {@code keyHash}: if it is half of a remembered pair, it casts the vote. */
  void onRequest(int keyHash) {
    int slot = keyHash & MASK;
    int pair = pairs[slot];
    if (pair == 0 || hashes[slot] != keyHash) {
      return;
    }
    if ((pair & 1) != 0) {
      votes = Math.min(votes + 1, VOTE_LIMIT);
    } else {
      votes = Math.max(votes - 1, -VOTE_LIMIT);
    }
    unpair(slot);
  }

  /** Frees a slot and its partner. */
  private void unpair(int slot) {
    int pair = pairs[slot];
    if (pair != 0) {
      pairs[(pair >>> 1) - 1] = 0;
      pairs[slot] = 0;
    }
  }
}
