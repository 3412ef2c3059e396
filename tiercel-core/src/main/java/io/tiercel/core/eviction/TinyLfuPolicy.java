package io.tiercel.core.eviction;

import io.tiercel.core.EvictionPolicyKind;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Window TinyLFU: an LRU admission window, a frequency filter and a segmented LRU main space.
 *
 * <p>Not thread-safe: every method runs under the cache's eviction lock.
 */
public final class TinyLfuPolicy implements EvictionPolicy {

  /*
   * A port of the eviction policy of Caffeine's BoundedLocalCache (Ben Manes, Apache License 2.0),
   * adapted to Tiercel's SPI and to weights in bytes. Caffeine's hit ratio is our benchmark, so
   * the algorithm, its constants and its order of operations follow Caffeine's; what differs is
   * noted below.
   *
   * Structure [2]. A new entry enters the admission window, an LRU of initially 1% of the
   * maximum weight. Entries pushed out of the window become candidates for the main space, a
   * segmented LRU: probation, where candidates land, and protected (80% of main), where a
   * probation entry moves when it is accessed again. While the total exceeds the maximum, a
   * candidate (walking from the oldest newcomer to probation's tail, then through the window) is
   * compared with a victim (walking from probation's head, then protected's, then the window's)
   * by their estimated frequencies in a 4-bit count-min sketch (FrequencySketch); the less popular
   * one is evicted, ties evict the candidate. The window absorbs bursts of recency, the filter
   * keeps one-hit wonders and scans out of main, and the segments keep the entries used at least
   * twice while they stay warm.
   *
   * Admission jitter [4]. The sketch hashes keys, so an attacker who can make a key collide with
   * the victim can raise the victim's estimate until every candidate is rejected and the cache
   * holds nothing useful. A warm candidate (estimate >= 6; counters cap at 15 and aging halves
   * them to 7) is therefore admitted anyway with probability 1/128, a cost to the hit ratio too
   * small to measure.
   *
   * Marginal admissions [5]. A candidate that leads its victim by exactly one count (often just
   * the request that brought it in) is admitted, as in Caffeine, unless the workload has shown
   * that in such pairs the victim tends to be requested first; then it is rejected.
   * MarginalAdmission remembers recent marginal pairs and lets whichever key is requested first
   * vote. On loops and back-and-forth or zigzag scans this stops a churn that evicts each key just
   * before its turn, which Caffeine escapes only by the noise of its sketch (which keys share
   * counters, so its result there depends on the hash); elsewhere the votes favour candidates and
   * the decisions are Caffeine's. The store records no reads until the cache first weighs half its
   * maximum, so the entries resident then are undercounted (one count each, their add): a pair
   * whose victim may be one of them follows the referee but casts no vote, until the sketch first
   * ages (UnrecordedResidents, taken when the store calls onReadRecordingStarted; caches of more
   * than 16,384 entries only). Without that, popular
   * victims of that time taught the referee to keep victims just as a new working set arrived: on
   * the ARC P3 trace at 131,072 entries, 1.1 to 2 points below Caffeine.
   *
   * Adaptive window [3]. The best window size depends on the workload: recency-skewed traces want
   * a large window, frequency-skewed ones a small one. A hill climber samples the hit ratio over
   * sampleSize requests (10 x entries the sketch is sized for; hits are accesses and replaces,
   * misses are adds), then moves the window by stepSize in the direction that last improved the
   * hit ratio, reversing when it got worse. The step starts at 6.25% of the maximum (first move:
   * shrink), decays by 0.98 per sample so the climber settles, and is restored to 6.25% when the
   * hit ratio changes by 5 points or more, which signals a new workload. Growing the window takes
   * the quota from protected and moves probation (else protected) heads into the window; shrinking
   * moves window heads into probation; at most 1,000 entries move per step. Protected entries
   * beyond the protected maximum are demoted to probation at the end of each maintenance pass.
   *
   * Sketch sizing. Caffeine's simulator builds its caches with initialCapacity = maximumSize,
   * which sizes the sketch for the maximum at construction, so it counts from the first request;
   * without it Caffeine waits until the cache is half full, and on short traces that costs up to
   * 11 points (gli at 750 entries: 0.32 against 0.43). We count from the first add too. (The
   * store withholds reads made while it weighs less than half its budget, as Caffeine's
   * skipReadBuffer does, but not writes; gli at 750 stays at 0.43 with that.) The
   * number of entries that fit (maximum x count / weightedSize: bytes, not entries, bound us;
   * with entries of weight 1 it is the maximum) sets the aging period and the climber's sample
   * (10 x) as in Caffeine. The table, which costs memory, is sized for all entries that fit only
   * when they are few (EAGER_SKETCH_ENTRIES, 32 KB); a larger cache's table follows its resident
   * entries, doubling without losing counts (see FrequencySketch), so an empty 512 MB cache does
   * not allocate a sketch for millions of entries. Cost: 8 to 16 bytes per resident entry.
   *
   * Small caches get twice the counters (f). A cache of at most DOUBLE_SKETCH_ENTRIES entries
   * gets a table for twice its entries, so 32 counters per entry instead of Caffeine's 16; aging
   * and the climber's sample stay those of the entries that fit. In a small table many keys share
   * counters, and which ones do (the hash's luck) moved single results by several points: over
   * eight hash seeds, lirs-gli at 750 entries scored 0.410 to 0.430 and lirs-sprite at 200 0.452
   * to 0.489; with the doubled table 0.427 to 0.430 and 0.491 to 0.496 (the latter with the
   * referee's dead zone, see MarginalAdmission). Before the referee existed, larger tables were
   * much worse (their near-exact counts churn on scans; docs/benchmarks.md); with it, twice the
   * table is slightly better on average. The cost is at most 256 KB per cache and nothing for
   * caches of more than 16,384 entries, which keep 8 to 16 bytes per entry.
   *
   * Reads. Caffeine's hit ratio depends on how its read path feeds the policy, so we reproduce it
   * rather than apply every read at once (which scores up to 4 points away from Caffeine on the
   * LIRS loop, back-and-forth and zigzag traces). A read is held in a buffer of 16 (one stripe of
   * Caffeine's BoundedBuffer, the only stripe when one thread reads), applied in order before the
   * next write, eviction or visit; a read that finds the buffer full is dropped and applies the
   * batch, followed by the window transfer and the climber, as Caffeine's maintenance does. The
   * store's own read buffer behaves the same way (16 per ring, the 17th dropped and draining), so
   * reads reach us in Caffeine's order through either path. The sketch, the hit counts of the
   * climber and the LRU orders all see only the applied reads.
   *
   * Differences from Caffeine. (a) No write buffer: the store calls us under its lock in order.
   * Caffeine's maintenance after a write is our onAdd/onReplace/onRemove (after applying buffered
   * reads) followed by evict(), which evicts and then climbs. (b) A rewrite arrives as a new node
   * replacing the old one (onReplace), applied as Caffeine's UpdateTask: the new node takes the
   * old one's place and is accessed, or goes to the window's head if heavier than the window (or,
   * out of main, than the maximum); Caffeine evicts a node heavier than the maximum at once, we
   * leave it for the next evict(), which evicts it as the first candidate. (c) Victims are handed
   * to the store's evictor instead of being removed from the map here. (d) The random admission
   * uses a xorshift generator seeded from ThreadLocalRandom by default, so tests can fix the seed.
   * (e) Marginal admissions, above: Caffeine always admits a candidate one count ahead; pairs
   * against residents from before reads were recorded do not vote. (f) Small caches' sketches have
   * twice Caffeine's table (see "Sketch sizing").
   *
   * Check: without (e) and (f), given the same key hashes, replaying shared/traces through this
   * policy reproduced Caffeine 3.2.3 (maximumSize, initialCapacity, same-thread executor) hit for
   * hit: the simulator's caffeine-kh row keys Caffeine by the store's hash. Against Caffeine keyed
   * by Long the results differed on small caches by the luck of the hash alone (which keys share
   * counters): on back-and-forth at 300 entries, five random key permutations give Caffeine
   * itself 0.24 to 0.34. With (e) and (f), the latest full run (branch hitratio4) has tinylfu
   * within a point of caffeine-kh at 162 of 163 points (the other one is within at fixed seeds)
   * and above it on the scan-like traces; docs/benchmarks.md has the numbers.
   *
   * Invariants: a node is in at most one of window, probation and protected; weightedSize() is
   * the exact sum of their weights; after evict() it is at most maximum().
   *
   * [1] Einziger, Friedman and Manes, TinyLFU: A Highly Efficient Cache Admission Policy.
   *     https://dl.acm.org/citation.cfm?id=3149371
   * [2] Caffeine's BoundedLocalCache.java (evictEntries, evictFromWindow, evictFromMain, admit,
   *     onAccess, climb), https://github.com/ben-manes/caffeine
   * [3] Einziger, Eytan, Friedman and Manes, Adaptive Software Cache Management.
   *     https://dl.acm.org/citation.cfm?id=3274816
   * [4] Crosby and Wallach, Denial of Service via Algorithmic Complexity Attacks.
   *     https://www.usenix.org/legacy/events/sec03/tech/full_papers/crosby/crosby.pdf
   * [5] MarginalAdmission, after Qureshi et al.'s set dueling (ISCA 2007).
   */

  /** The initial share of the maximum given to the main space (the window gets the rest). */
  static final double PERCENT_MAIN = 0.99d;
  /** The share of the main space given to its protected segment. */
  static final double PERCENT_MAIN_PROTECTED = 0.80d;
  /** The change in hit ratio between samples that restarts the climber with a full step. */
  static final double HILL_CLIMBER_RESTART_THRESHOLD = 0.05d;
  /** The climber's full step, as a share of the maximum. */
  static final double HILL_CLIMBER_STEP_PERCENT = 0.0625d;
  /** The factor the step shrinks by after each sample. */
  static final double HILL_CLIMBER_STEP_DECAY_RATE = 0.98d;
  /** The most entries moved between segments by one step of the climber or demotion. */
  static final int QUEUE_TRANSFER_THRESHOLD = 1_000;
  /** The least estimated frequency of a candidate that may be admitted at random. */
  static final int ADMIT_HASHDOS_THRESHOLD = 6;
  /** Caches that hold at most this many entries get a full-size sketch at their first add. */
  static final int EAGER_SKETCH_ENTRIES = 4096;
  /** Caches that hold at most this many entries get twice Caffeine's counters per entry. */
  static final int DOUBLE_SKETCH_ENTRIES = 16_384;
  /** The reads held before they are applied in one batch (a stripe of Caffeine's read buffer). */
  static final int READ_BUFFER_SIZE = 16;

  /** The queue id of the admission window. */
  static final byte WINDOW = 1;
  /** The queue id of the main space's probation segment. */
  static final byte PROBATION = 2;
  /** The queue id of the main space's protected segment. */
  static final byte PROTECTED = 3;

  private final NodeDeque window = new NodeDeque(WINDOW);
  private final NodeDeque probation = new NodeDeque(PROBATION);
  private final NodeDeque protectedQueue = new NodeDeque(PROTECTED);
  private final FrequencySketch sketch = new FrequencySketch();
  private final MarginalAdmission marginal = new MarginalAdmission();
  private final UnrecordedResidents unrecorded = new UnrecordedResidents();
  private final PolicyNode[] readBuffer = new PolicyNode[READ_BUFFER_SIZE];
  private int pendingReads;

  private long maximum;
  private long windowMaximum;
  private long mainProtectedMaximum;

  private int hitsInSample;
  private int missesInSample;
  private double previousSampleHitRate;
  private double stepSize;
  private long adjustment;

  private long randomState;

  /** Creates a W-TinyLFU policy keeping its entries within {@code maximum} weight. */
  public TinyLfuPolicy(long maximum) {
    this(maximum, ThreadLocalRandom.current().nextLong());
  }

  /** Creates a policy whose random admissions come from a generator seeded with {@code seed}. */
  TinyLfuPolicy(long maximum, long seed) {
    this.randomState = (seed == 0) ? 0x9E3779B97F4A7C15L : seed;
    configure(maximum);
  }

  @Override
  public EvictionPolicyKind kind() {
    return EvictionPolicyKind.TINYLFU;
  }

  /* --------------- Events --------------- */

  @Override
  public void onAdd(PolicyNode node) {
    drainReadBuffer();
    sizeSketch(weightedSize() + node.weight(), size() + 1);
    sketch.increment(node.keyHash());
    marginal.onRequest(node.keyHash());
    missesInSample++;

    if (node.weight() > windowMaximum) {
      // Too heavy for the window: first in line to leave it
      window.addFirst(node);
    } else {
      window.addLast(node);
    }
  }

  /** Buffers a read as Caffeine's read path does (see "Reads" in the class essay). */
  @Override
  public void onAccess(PolicyNode node) {
    if (sketch.isNotInitialized() || !isOurs(node)) {
      return;
    }
    if (pendingReads < READ_BUFFER_SIZE) {
      readBuffer[pendingReads++] = node;
      return;
    }
    // Caffeine's maintenance after a full read buffer: drain, evict (nothing to evict on reads,
    // but the window may be over its share after the last climb), adapt
    drainReadBuffer();
    evictFromWindow();
    climb();
  }

  @Override
  public void onReplace(PolicyNode old, PolicyNode node) {
    drainReadBuffer();
    if (!isOurs(old)) {
      onAdd(node);
      return;
    }
    byte queue = old.queue();
    queueOf(queue).replace(old, node);
    int weight = node.weight();
    if (queue == WINDOW) {
      if (weight <= windowMaximum) {
        access(node);
      } else {
        window.moveToFront(node);
      }
    } else if (weight <= maximum) {
      access(node);
    } else {
      // Heavier than the whole cache: park it where the next eviction pass will find it first
      queueOf(queue).remove(node);
      window.addFirst(node);
    }
  }

  @Override
  public void onRemove(PolicyNode node) {
    drainReadBuffer();
    if (isOurs(node)) {
      queueOf(node.queue()).remove(node);
    }
  }

  /** Applies the buffered reads in order, skipping nodes unlinked since. */
  private void drainReadBuffer() {
    for (int i = 0; i < pendingReads; i++) {
      PolicyNode node = readBuffer[i];
      readBuffer[i] = null;
      if (isOurs(node)) {
        access(node);
      }
    }
    pendingReads = 0;
  }

  /** Counts a hit and reorders a linked node as Caffeine's onAccess does. */
  private void access(PolicyNode node) {
    sketch.increment(node.keyHash());
    marginal.onRequest(node.keyHash());
    switch (node.queue()) {
      case WINDOW -> window.moveToBack(node);
      case PROBATION -> reorderProbation(node);
      default -> protectedQueue.moveToBack(node);
    }
    hitsInSample++;
  }

  /** Promotes a probation node to protected; demotion of the overflow is deferred to climb(). */
  private void reorderProbation(PolicyNode node) {
    if (node.weight() > mainProtectedMaximum) {
      probation.moveToBack(node);
      return;
    }
    probation.remove(node);
    protectedQueue.addLast(node);
  }

  /* --------------- Eviction --------------- */

  @Override
  public int evict(Consumer<PolicyNode> evictor) {
    drainReadBuffer();
    PolicyNode candidate = evictFromWindow();
    int evicted = evictFromMain(candidate, evictor);
    climb();
    if (sketch.hasAged()) {
      // The counts of the residents from before reads were recorded have been halved
      unrecorded.drop();
    }
    return evicted;
  }

  /**
   * Takes the residents, whose reads the store withheld until now, and keeps them until the
   * sketch first ages (see UnrecordedResidents).
   */
  @Override
  public void onReadRecordingStarted() {
    if (!unrecorded.isTaken()) {
      unrecorded.take(expectedEntries(weightedSize(), size()), size(), this::forEachLinked);
    }
  }

  /**
   * Moves window heads to probation's tail while the window is over its maximum; returns the
   * first node moved (the oldest candidate), or null.
   */
  private PolicyNode evictFromWindow() {
    PolicyNode first = null;
    PolicyNode node = window.peekFirst();
    while (window.weight() > windowMaximum) {
      if (node == null) {
        break;
      }
      PolicyNode next = window.next(node);
      if (node.weight() != 0) {
        window.remove(node);
        probation.addLast(node);
        if (first == null) {
          first = node;
        }
      }
      node = next;
    }
    return first;
  }

  /**
   * Evicts while over the maximum, each time the less frequent of the candidate (walking from the
   * oldest newcomer to probation's tail, then through the window from its head) and the victim
   * (walking from probation's head, then protected's, then the window's).
   */
  private int evictFromMain(PolicyNode first, Consumer<PolicyNode> evictor) {
    int evicted = 0;
    byte victimQueue = PROBATION;
    byte candidateQueue = PROBATION;
    PolicyNode candidate = first;
    PolicyNode victim = probation.peekFirst();
    while (weightedSize() > maximum) {
      // Search the admission window for additional candidates
      if (candidate == null && candidateQueue == PROBATION) {
        candidate = window.peekFirst();
        candidateQueue = WINDOW;
      }

      // Try evicting from the protected and window queues
      if (candidate == null && victim == null) {
        if (victimQueue == PROBATION) {
          victim = protectedQueue.peekFirst();
          victimQueue = PROTECTED;
          continue;
        } else if (victimQueue == PROTECTED) {
          victim = window.peekFirst();
          victimQueue = WINDOW;
          continue;
        }
        break;
      }

      // Skip over entries with zero weight
      if (victim != null && victim.weight() == 0) {
        victim = victim.next;
        continue;
      } else if (candidate != null && candidate.weight() == 0) {
        candidate = candidate.next;
        continue;
      }

      PolicyNode evict;
      if (victim == null) {
        // Evict immediately if only one of the entries is present
        evict = candidate;
        candidate = candidate.next;
      } else if (candidate == null) {
        evict = victim;
        victim = victim.next;
      } else if (candidate == victim) {
        // Evict immediately if both selected the same entry
        evict = victim;
        victim = victim.next;
        candidate = null;
      } else if (candidate.weight() > maximum) {
        // Evict immediately if the candidate's weight exceeds the maximum
        evict = candidate;
        candidate = candidate.next;
      } else if (admit(candidate.keyHash(), victim.keyHash())) {
        // Evict the entry with the lowest frequency; the admitted candidate stays where it is
        evict = victim;
        victim = victim.next;
        evict(evict, evictor);
        evicted++;
        candidate = candidate.next;
        continue;
      } else {
        evict = candidate;
        candidate = candidate.next;
      }
      evict(evict, evictor);
      evicted++;
    }
    return evicted;
  }

  /** Unlinks a victim and hands it to the store. */
  private void evict(PolicyNode node, Consumer<PolicyNode> evictor) {
    queueOf(node.queue()).remove(node);
    evictor.accept(node);
  }

  /**
   * Returns whether the candidate should replace the victim: when it is more frequent (by one
   * count only if the workload's marginal decisions favour candidates), or, if it is at least
   * warm, with a small random chance that defeats hash flooding of the victim.
   */
  private boolean admit(int candidateHash, int victimHash) {
    int victimFreq = sketch.frequency(victimHash);
    int candidateFreq = sketch.frequency(candidateHash);
    if (candidateFreq > victimFreq + 1) {
      return true;
    } else if (candidateFreq == victimFreq + 1) {
      if (!unrecorded.mightContain(victimHash)) {
        // A victim resident before reads were recorded is undercounted: its pair does not vote
        marginal.record(candidateHash, victimHash);
      }
      if (!marginal.keepsVictim()) {
        return true;
      }
    }
    if (candidateFreq >= ADMIT_HASHDOS_THRESHOLD) {
      // The maximum frequency is 15 and halved to 7 after a reset to age the history. An attack
      // exploits that a hot candidate is rejected in favor of a hot victim. The threshold of a warm
      // candidate reduces the number of random acceptances to minimize the impact on the hit rate.
      return (nextRandom() & 127) == 0;
    }
    return false;
  }

  /** Returns the next value of a xorshift64 generator. */
  private int nextRandom() {
    long x = randomState;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    randomState = x;
    return (int) (x >>> 32);
  }

  /* --------------- Hill climbing --------------- */

  /** Demotes the protected overflow and adapts the window towards a better hit ratio. */
  private void climb() {
    determineAdjustment();
    demoteFromMainProtected();
    long amount = adjustment;
    if (amount == 0) {
      return;
    } else if (amount > 0) {
      increaseWindow();
    } else {
      decreaseWindow();
    }
  }

  /** Sets {@link #adjustment} from a full sample's hit ratio; keeps it until a sample is full. */
  private void determineAdjustment() {
    if (sketch.isNotInitialized()) {
      previousSampleHitRate = 0.0;
      missesInSample = 0;
      hitsInSample = 0;
      return;
    }
    int requestCount = hitsInSample + missesInSample;
    if (requestCount < sketch.sampleSize()) {
      // Keep the adjustment: a step that could not be applied in full is retried
      return;
    }

    double hitRate = (double) hitsInSample / requestCount;
    double hitRateChange = hitRate - previousSampleHitRate;
    double amount = (hitRateChange >= 0) ? stepSize : -stepSize;
    double nextStepSize = (Math.abs(hitRateChange) >= HILL_CLIMBER_RESTART_THRESHOLD)
        ? HILL_CLIMBER_STEP_PERCENT * maximum * (amount >= 0 ? 1 : -1)
        : HILL_CLIMBER_STEP_DECAY_RATE * amount;
    previousSampleHitRate = hitRate;
    adjustment = (long) amount;
    stepSize = nextStepSize;
    missesInSample = 0;
    hitsInSample = 0;
  }

  /**
   * Grows the window by taking quota from protected, moving probation heads (else protected
   * heads) into the window's tail.
   */
  private void increaseWindow() {
    if (mainProtectedMaximum == 0) {
      return;
    }
    long quota = Math.min(adjustment, mainProtectedMaximum);
    mainProtectedMaximum -= quota;
    windowMaximum += quota;
    demoteFromMainProtected();

    for (int i = 0; i < QUEUE_TRANSFER_THRESHOLD; i++) {
      PolicyNode candidate = probation.peekFirst();
      NodeDeque from = probation;
      if (candidate == null || quota < candidate.weight()) {
        candidate = protectedQueue.peekFirst();
        from = protectedQueue;
      }
      if (candidate == null) {
        break;
      }
      int weight = candidate.weight();
      if (quota < weight) {
        break;
      }
      quota -= weight;
      from.remove(candidate);
      window.addLast(candidate);
    }

    // Give back what could not be moved
    mainProtectedMaximum += quota;
    windowMaximum -= quota;
    adjustment = quota;
  }

  /** Shrinks the window in favour of protected, moving window heads to probation's tail. */
  private void decreaseWindow() {
    if (windowMaximum <= 1) {
      return;
    }
    long quota = Math.min(-adjustment, Math.max(0, windowMaximum - 1));
    mainProtectedMaximum += quota;
    windowMaximum -= quota;

    for (int i = 0; i < QUEUE_TRANSFER_THRESHOLD; i++) {
      PolicyNode candidate = window.peekFirst();
      if (candidate == null) {
        break;
      }
      int weight = candidate.weight();
      if (quota < weight) {
        break;
      }
      quota -= weight;
      window.remove(candidate);
      probation.addLast(candidate);
    }

    mainProtectedMaximum -= quota;
    windowMaximum += quota;
    adjustment = -quota;
  }

  /** Moves protected heads to probation's tail while protected is over its maximum. */
  private void demoteFromMainProtected() {
    for (int i = 0; i < QUEUE_TRANSFER_THRESHOLD; i++) {
      if (protectedQueue.weight() <= mainProtectedMaximum) {
        break;
      }
      PolicyNode demoted = protectedQueue.pollFirst();
      if (demoted == null) {
        break;
      }
      probation.addLast(demoted);
    }
  }

  /* --------------- Sizes --------------- */

  /**
   * Returns the sketch's estimate for {@code keyHash} (0 to 15), plus the reads of it still in
   * the read buffer, which the sketch will count when they are applied. Reads the store withheld
   * (below half its budget) never reach the sketch, so they are not counted.
   */
  @Override
  public int frequency(int keyHash) {
    int estimate = sketch.frequency(keyHash);
    for (int i = 0; i < pendingReads; i++) {
      PolicyNode node = readBuffer[i];
      if (node.keyHash() == keyHash && isOurs(node)) {
        estimate++;
      }
    }
    return Math.min(estimate, FrequencySketch.MAX_FREQUENCY);
  }

  @Override
  public long weightedSize() {
    return window.weight() + probation.weight() + protectedQueue.weight();
  }

  @Override
  public long size() {
    return (long) window.size() + probation.size() + protectedQueue.size();
  }

  @Override
  public long maximum() {
    return maximum;
  }

  @Override
  public void setMaximum(long maximum) {
    if (maximum == this.maximum) {
      return;
    }
    drainReadBuffer();
    configure(maximum);
    if (!sketch.isNotInitialized()) {
      sizeSketch(weightedSize(), size());
    }
  }

  /**
   * Sizes the sketch for {@code count} entries weighing {@code weight} (see "Sketch sizing" in the
   * class essay): a table for the entries resident, or for all that fit if they are few.
   */
  private void sizeSketch(long weight, long count) {
    long expected = expectedEntries(weight, count);
    long tableEntries = Math.min(expected, Math.max(count, EAGER_SKETCH_ENTRIES));
    if (expected <= DOUBLE_SKETCH_ENTRIES) {
      tableEntries *= 2;
    }
    sketch.ensureCapacity(tableEntries, expected);
  }

  /**
   * Returns how many entries fit in the maximum if {@code count} entries weighing {@code weight}
   * are typical: the maximum itself when every entry weighs 1.
   */
  private long expectedEntries(long weight, long count) {
    if (weight <= 0 || count == 0) {
      return count;
    } else if (weight == count) {
      return maximum;
    }
    return (long) Math.ceil((double) maximum * count / weight);
  }

  /** Splits {@code max} into window and protected maxima and restarts the climber. */
  private void configure(long max) {
    if (max < 0) {
      throw new IllegalArgumentException("maximum: " + max + " (expected: >= 0)");
    }
    long windowMax = max - (long) (PERCENT_MAIN * max);
    maximum = max;
    windowMaximum = windowMax;
    mainProtectedMaximum = (long) (PERCENT_MAIN_PROTECTED * (max - windowMax));
    hitsInSample = 0;
    missesInSample = 0;
    stepSize = -HILL_CLIMBER_STEP_PERCENT * max;
  }

  @Override
  public void forEach(Consumer<PolicyNode> action) {
    drainReadBuffer();
    forEachLinked(action);
  }

  /** Visits every linked node, without applying buffered reads. */
  private void forEachLinked(Consumer<PolicyNode> action) {
    probation.forEach(action);
    window.forEach(action);
    protectedQueue.forEach(action);
  }

  /** Returns the current maximum weight of the admission window. */
  long windowMaximum() {
    return windowMaximum;
  }

  /** Returns the current maximum weight of the protected segment. */
  long mainProtectedMaximum() {
    return mainProtectedMaximum;
  }

  /** Returns the referee of marginal admissions, for tests. */
  MarginalAdmission marginal() {
    return marginal;
  }

  /** Returns the residents taken when reads began to be recorded, for tests. */
  UnrecordedResidents unrecorded() {
    return unrecorded;
  }

  /** Returns the frequency sketch, for tests and memory accounting. */
  FrequencySketch sketch() {
    return sketch;
  }

  private static boolean isOurs(PolicyNode node) {
    byte q = node.queue();
    return q == WINDOW || q == PROBATION || q == PROTECTED;
  }

  private NodeDeque queueOf(byte queue) {
    return switch (queue) {
      case WINDOW -> window;
      case PROBATION -> probation;
      case PROTECTED -> protectedQueue;
      default -> throw new IllegalStateException("node in queue " + queue + ", not this policy's");
    };
  }
}
