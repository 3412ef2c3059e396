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
 */
public final class BatchClock implements Clock {
  private static final FastThreadLocal<long[]> BATCH_MILLIS = new FastThreadLocal<>() {
    @Override
    protected long[] initialValue() {
      return new long[1];
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
      long stamp = BATCH_MILLIS.get()[0];
      if (stamp != 0) {
        return stamp;
      }
    }
    return source.millis();
  }

  /** Starts a batch on this thread: {@link #millis()} returns this reading until {@link #end()}. */
  public void begin() {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      BATCH_MILLIS.get()[0] = source.millis();
    }
  }

  /** Ends the current thread's batch: {@link #millis()} reads the source again. */
  public void end() {
    if (Thread.currentThread() instanceof FastThreadLocalThread) {
      BATCH_MILLIS.get()[0] = 0;
    }
  }
}
