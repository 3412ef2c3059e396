package io.tiercel.agent.upstream;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential reconnect delays with jitter: base, 2x base, ... capped at max. */
public final class Backoff {
  private final long baseMillis;
  private final long maxMillis;
  private int attempt;

  /** Creates a backoff from {@code baseMillis} doubling up to {@code maxMillis}. */
  public Backoff(long baseMillis, long maxMillis) {
    if (baseMillis <= 0 || maxMillis < baseMillis) {
      throw new IllegalArgumentException(
          "backoff: base " + baseMillis + ", max " + maxMillis + " (expected: 0 < base <= max)");
    }
    this.baseMillis = baseMillis;
    this.maxMillis = maxMillis;
  }

  /** Returns the next delay: the capped exponential, minus up to a quarter of jitter. */
  public long nextDelayMillis() {
    long delay = Math.min(maxMillis, baseMillis << Math.min(attempt, 20));
    attempt++;
    return delay - ThreadLocalRandom.current().nextLong(delay / 4 + 1);
  }

  /** Starts over from the base delay (after a successful connect). */
  public void reset() {
    attempt = 0;
  }
}
