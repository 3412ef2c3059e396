package io.tiercel.bench.sim;

/**
 * One result row: the hit ratio of one policy at one cache size on one trace.
 *
 * @param trace the trace's name
 * @param size the cache size in entries
 * @param policy the policy's name
 * @param hits requests that hit
 * @param requests all requests
 * @param nanos how long the replay took
 */
public record HitRatioRow(
    String trace, int size, String policy, long hits, long requests, long nanos) {

  /** Returns hits over all requests. */
  public double hitRatio() {
    return requests == 0 ? 0.0 : (double) hits / requests;
  }
}
