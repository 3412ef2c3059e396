package io.tiercel.agent.sync;

import io.tiercel.core.Clock;

/**
 * A hybrid logical clock for sync versions: wall milliseconds in the high bits, a counter in the
 * low 16 bits.
 *
 * <p>{@link #next()} is strictly greater than every value it returned before and every value
 * {@link #observe observed} from other agents, and close to wall time. So a write made after an
 * agent has seen another agent's write always carries the higher version, even when the two
 * hosts' clocks disagree a little; versions of truly concurrent writes are ordered by wall time,
 * then by origin id (see {@link Stamp}).
 */
public final class HybridClock {
  private static final int COUNTER_BITS = 16;

  private final Clock clock;
  private long last;

  /** Creates a clock reading wall time from {@code clock}. */
  public HybridClock(Clock clock) {
    this.clock = clock;
  }

  /** Returns a version newer than any returned or observed before. */
  public synchronized long next() {
    long wall = clock.millis() << COUNTER_BITS;
    last = Math.max(last + 1, wall);
    return last;
  }

  /** Takes note of a version seen from another agent. */
  public synchronized void observe(long remote) {
    if (remote > last) {
      last = remote;
    }
  }

  /** Returns the wall milliseconds a version was made at. */
  public static long millisOf(long version) {
    return version >>> COUNTER_BITS;
  }
}
