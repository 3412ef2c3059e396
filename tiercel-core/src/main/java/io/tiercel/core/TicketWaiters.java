package io.tiercel.core;

import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Callbacks waiting for a write's ticket (a log's sequence number) to become durable.
 *
 * <p>Group commit hands every write a ticket and makes tickets durable in batches; a write that
 * must not be acknowledged before then parks a callback here, and the thread that advanced
 * durability releases every waiter its batch covered. Any thread may add; releases may race with
 * adds, and a waiter added after a release that already covers it is simply run by the next one,
 * so callers release once more after each durability step.
 */
public final class TicketWaiters {
  private static final Logger LOG = LoggerFactory.getLogger(TicketWaiters.class);

  private record Waiter(long ticket, Runnable onDurable, Consumer<? super Exception> onFailure) {}

  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

  /** Waits for {@code ticket}: runs {@code onDurable} once it is durable, or {@code onFailure}. */
  public void add(long ticket, Runnable onDurable, Consumer<? super Exception> onFailure) {
    waiters.add(new Waiter(ticket, onDurable, onFailure));
  }

  /** Returns whether no callback is waiting. */
  public boolean isEmpty() {
    return waiters.isEmpty();
  }

  /** Returns the highest ticket waited for, or 0 when none is. */
  public long maxTicket() {
    long max = 0;
    for (Waiter w : waiters) {
      max = Math.max(max, w.ticket());
    }
    return max;
  }

  /**
   * Runs the callbacks of the waiters whose ticket is at most {@code durable}, and when {@code
   * error} is not null fails every other waiter with it; a callback that throws is logged.
   */
  public void release(long durable, Exception error) {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      try {
        if (w.ticket() <= durable) {
          it.remove();
          w.onDurable().run();
        } else if (error != null) {
          it.remove();
          w.onFailure().accept(error);
        }
      } catch (RuntimeException e) {
        LOG.warn("a durability callback failed", e);
      }
    }
  }
}
