package io.tiercel.server.transport;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import java.util.function.LongSupplier;

/**
 * How an event loop waits for I/O: it polls without blocking for a while after it has worked,
 * and blocks in {@code epoll_wait} only once that spin runs out.
 *
 * <p><b>Why.</b> A loop that blocks as soon as it finds nothing to do must be woken by the next
 * client write, and the waking is paid by the writer: the kernel's wake-up of the blocked thread,
 * an inter-processor interrupt on another core (a VM exit under a hypervisor), then the sleeper's
 * own schedule-out and -in. Under a steady load of small requests a loop blocks and is woken
 * every few requests (the agent's loop: about 50,000 times in 400,000 GETs), so that cost lands
 * on most clients' requests. A loop that keeps polling for a few microseconds finds the next
 * request already queued and is never woken.
 *
 * <p><b>The bound.</b> Spinning burns a core, so it is rationed by the work it saves: the loop
 * earns one nanosecond of spin for each nanosecond it spent handling events or tasks, holds at most
 * {@code maxSpinNanos} of that credit, and spends it while it polls. So the spin's CPU never
 * exceeds the loop's useful CPU, an idle loop (no credit) blocks at once, and a loop at a few
 * requests a second spins a few microseconds after each. This is the classic spin-then-block
 * trade (Karlin, Li, Manasse and Owicki, "Empirical studies of competitive spinning for a
 * shared-memory multiprocessor", SOSP 1991), with the spin budget tied to the loop's work rather
 * than fixed. The time a loop spent in a blocking wait, and in handling what woke it, is not
 * known here (Netty does that wait), so a wake-up earns nothing until the loop next finds events
 * without blocking.
 *
 * <p>One instance per event loop; called only on that loop's thread.
 */
final class SpinThenBlockStrategy implements SelectStrategy {
  private final long maxSpinNanos;
  private final LongSupplier nanoTime;
  /** Spin time earned and not yet spent, in nanoseconds. */
  private long credit;
  /** When the loop last returned from here; what it did since is {@link #doing}. */
  private long mark;
  private int doing = BLOCKED;

  private static final int WORKING = 0;
  private static final int SPINNING = 1;
  private static final int BLOCKED = 2;

  SpinThenBlockStrategy(long maxSpinNanos, LongSupplier nanoTime) {
    this.maxSpinNanos = maxSpinNanos;
    this.nanoTime = nanoTime;
  }

  @Override
  public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
    long now = nanoTime.getAsLong();
    if (doing == WORKING) {
      credit = Math.min(maxSpinNanos, credit + (now - mark));
    } else if (doing == SPINNING) {
      credit -= now - mark;
    }
    mark = now;
    int ready = selectNow.get();
    if (ready > 0 || hasTasks) {
      doing = WORKING;
      return ready;
    }
    if (credit > 0) {
      doing = SPINNING;
      Thread.onSpinWait();
      return SelectStrategy.CONTINUE;
    }
    credit = 0;
    doing = BLOCKED;
    return SelectStrategy.SELECT;
  }
}
