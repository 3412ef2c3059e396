package io.tiercel.core;

/**
 * A point-in-time snapshot of one cache's counters.
 *
 * @param hits reads that found a live entry
 * @param misses reads that found nothing, or an expired entry
 * @param evictions entries removed by the eviction policy
 * @param expirations entries removed because their time to live ran out
 * @param entries live entries now (expired ones not yet swept may be counted)
 * @param bytes the accounted memory of those entries: keys, values and per-entry overhead
 */
public record CacheStats(
    long hits, long misses, long evictions, long expirations, long entries, long bytes) {

  /** Returns hits divided by all reads, or 1.0 when there were no reads. */
  public double hitRatio() {
    long reads = hits + misses;
    return reads == 0 ? 1.0 : (double) hits / reads;
  }
}
