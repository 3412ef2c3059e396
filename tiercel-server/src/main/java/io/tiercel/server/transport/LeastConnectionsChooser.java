package io.tiercel.server.transport;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Picks the worker event loop with the fewest connections for each accepted connection, as the
 * shardcache design's least-busy worker.
 *
 * <p>A pick counts as a connection at once (a reservation), so a burst of accepts spreads before
 * any of them is registered; {@link #connectionClosed} gives it back. The worker group's
 * {@code next()} must be used only to register accepted connections, which is all that Netty's
 * {@code ServerBootstrap} does with it.
 */
public final class LeastConnectionsChooser implements EventExecutorChooserFactory {
  private volatile EventExecutor[] executors = new EventExecutor[0];
  private volatile AtomicIntegerArray counts = new AtomicIntegerArray(0);
  private int cursor;

  @Override
  public EventExecutorChooser newChooser(EventExecutor[] executors) {
    this.executors = executors.clone();
    this.counts = new AtomicIntegerArray(executors.length);
    return this::next;
  }

  /** Returns the least-loaded executor, rotating among ties, and counts the new connection. */
  private EventExecutor next() {
    EventExecutor[] all = executors;
    AtomicIntegerArray c = counts;
    int n = all.length;
    int start;
    synchronized (this) {
      start = cursor;
      cursor = (cursor + 1) % n;
    }
    int best = start;
    for (int i = 1; i < n; i++) {
      int candidate = (start + i) % n;
      if (c.get(candidate) < c.get(best)) {
        best = candidate;
      }
    }
    c.incrementAndGet(best);
    return all[best];
  }

  /** Gives back the connection counted for {@code loop} when its channel is unregistered. */
  public void connectionClosed(EventExecutor loop) {
    EventExecutor[] all = executors;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == loop) {
        counts.decrementAndGet(i);
        return;
      }
    }
  }

  /** Returns the connections counted on each worker, in worker order. */
  public int[] connectionsPerWorker() {
    AtomicIntegerArray c = counts;
    int[] result = new int[c.length()];
    for (int i = 0; i < result.length; i++) {
      result[i] = c.get(i);
    }
    return result;
  }
}
