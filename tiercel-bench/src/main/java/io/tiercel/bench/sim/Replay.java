package io.tiercel.bench.sim;

/** Replays a trace through one simulated cache and counts its hits. */
public final class Replay {
  private Replay() {}

  /**
   * The outcome of one replay.
   *
   * @param hits requests that found their key resident
   * @param requests all requests, cold misses included
   * @param nanos how long the replay took
   */
  public record Result(long hits, long requests, long nanos) {
    /** Returns hits over all requests, or 0 for an empty trace. */
    public double hitRatio() {
      return requests == 0 ? 0.0 : (double) hits / requests;
    }
  }

  /** Sends every key of {@code keys} to {@code policy} in order, then calls its finish. */
  public static Result run(SimPolicy policy, long[] keys) {
    long start = System.nanoTime();
    long hits = 0;
    for (long key : keys) {
      if (policy.record(key)) {
        hits++;
      }
    }
    policy.finish();
    return new Result(hits, keys.length, System.nanoTime() - start);
  }
}
