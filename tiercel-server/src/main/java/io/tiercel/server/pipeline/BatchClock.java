package io.tiercel.server.pipeline;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.tiercel.core.Clock;

/**
 * The wall clock as a node's commands see it: within one read batch on an event loop, the time
 * read once when the batch began; on any other thread, or between batches, the source clock.
 *
 * <p>Why: a SET read the clock five times (its latency twice, the session's last interaction, the
 * store's write time and its timer wheel), and those reads were 6-9 % of the event loop's CPU at
 * pipeline 16 (docs/benchmarks.md, branch netperf5). Redis does the same: it caches the time
 * once per command and keeps it for the command's whole run. A batch lasts microseconds (at most
 * one read of commands), so a key whose expiry falls inside it expires at the next batch.
 *
 * <p>Each event loop keeps its stamp in a {@link FastThreadLocal} (an array slot on Netty's
 * threads); {@link #begin()} and {@link #end()} bracket a batch on the loop that decodes it.
 *
 * <p><b>One reading for a turn's batches.</b> At pipeline 1 every batch is one command, and a
 * loop turn answers one batch from each of its ready connections a few microseconds apart, so a
 * reading per batch was one of three clock reads a request (docs/benchmarks.md, branch netperf7).
 * {@link #begin(long)} takes the monotonic time the caller read anyway (to time its commands) and
 * reuses the loop's last reading while that reading is less than {@link #REUSE_NANOS} old. A
 * batch then sees a time at most that much behind the one it began at, the same order as a long
 * pipelined batch already sees with one reading at its start; the reading never goes back.
 */
public final class BatchClock implements Clock {
  /** How long (monotonic) a loop reuses its last reading for later batches: 100 µs. */
  static final long REUSE_NANOS = 100_000;
  /** Per loop: [0] the current batch's stamp (0 between batches), [1] the last reading, [2] when. */
  private static final FastThreadLocal<long[]> LOOP_STATE = new FastThreadLocal<>() {
    @Override
    protected long[] initialValue() {
      return new long[3];
    }
  };

  private final Clock source;

  /** Creates a clock that reads {@code source} outside batches and once at each batch's start. */
  public BatchClock(Clock source) {
    this.source = source;
  }

  @Override
  public long millis() {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      long stamp = LOOP_STATE.get()[0];
      if (stamp != 0) {
        return stamp;
      }
    }
    return source.millis();
  }

  /** Starts a batch on this thread: {@link #millis()} returns this reading until {@link #end()}. */
  public void begin() {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      LOOP_STATE.get()[0] = source.millis();
    }
  }

  /**
   * Starts a batch on this thread, as {@link #begin()}, whose caller read {@link System#nanoTime}
   * as {@code nanos} when it began: reuses this loop's last reading if it was taken less than
   * {@link #REUSE_NANOS} before {@code nanos}, else reads the source.
   */
  public void begin(long nanos) {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      long[] state = LOOP_STATE.get();
      long age = nanos - state[2];
      if (state[1] == 0 || age < 0 || age >= REUSE_NANOS) {
        state[1] = source.millis();
        state[2] = nanos;
      }
      state[0] = state[1];
    }
  }

  /** Ends the current thread's batch: {@link #millis()} reads the source again. */
  public void end() {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      LOOP_STATE.get()[0] = 0;
    }
  }
}
