package io.tiercel.persistence;

import io.tiercel.core.Clock;
import io.tiercel.core.FsyncPolicy;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes every cache's append-only log and forces it to disk.
 *
 * <p><b>Cycles and group commit.</b> The writer runs numbered cycles. In cycle {@code k} it swaps
 * out each log's pending records, writes them, and forces the files the policy says; once every
 * log succeeded it publishes {@code durableCycle = k}. A record appended to a log that was not yet
 * swapped in the current cycle {@code c} is written in cycle {@code c}, otherwise in {@code c+1};
 * that number is the record's <em>ticket</em>, computed under the log's monitor, so it is exact.
 * With {@code appendfsync always}, a connection's replies wait until its latest ticket is durable
 * ({@link CommitGate}); all writes of all connections that arrive during one fsync share the next
 * one, so the fsync rate bounds latency, not throughput.
 *
 * <p><b>Pacing.</b> With {@code always} the writer loops as long as there is work and is woken by
 * appenders when it parks. With {@code everysec} and {@code no} it writes every
 * {@value #WRITE_PERIOD_MS} ms (so a killed process loses at most that much) and {@code everysec}
 * forces each log once a second (so a lost machine loses about one second).
 */
final class LogWriter implements CommitGate, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);
  static final long WRITE_PERIOD_MS = 10;

  private final FsyncPolicy policy;
  private final Clock clock;
  private final List<AppendLog> logs = new CopyOnWriteArrayList<>();
  private final ThreadLocal<long[]> threadTicket = ThreadLocal.withInitial(() -> new long[1]);
  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile long cycle = 1;
  private volatile long durableCycle;
  private volatile boolean sleeping;
  private volatile boolean running = true;

  private record Waiter(long ticket, Runnable action) {}

  /** Starts the writer thread. */
  LogWriter(FsyncPolicy policy, Clock clock) {
    this.policy = policy;
    this.clock = clock;
    this.thread = new Thread(this::run, "tiercel-aof-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Returns the fsync policy. */
  FsyncPolicy policy() {
    return policy;
  }

  /** Starts writing {@code log} every cycle. */
  void register(AppendLog log) {
    logs.add(log);
  }

  /** Stops writing {@code log}. */
  void unregister(AppendLog log) {
    logs.remove(log);
  }

  /** Returns the cycle that will write a record appended now; caller holds {@code log}'s monitor. */
  long ticketFor(AppendLog log) {
    long c = cycle;
    return log.swappedCycle >= c ? c + 1 : c;
  }

  /** Remembers {@code ticket} as this thread's latest write to wait for, and wakes the writer. */
  void noteTicket(long ticket) {
    long[] t = threadTicket.get();
    if (ticket > t[0]) {
      t[0] = ticket;
    }
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public long takeTicket() {
    long[] t = threadTicket.get();
    long ticket = t[0];
    t[0] = 0;
    return ticket;
  }

  @Override
  public boolean isDurable(long ticket) {
    return ticket <= durableCycle;
  }

  @Override
  public void whenDurable(long ticket, Runnable action) {
    if (isDurable(ticket)) {
      action.run();
      return;
    }
    waiters.add(new Waiter(ticket, action));
    LockSupport.unpark(thread);
  }

  private void run() {
    while (running) {
      long k = cycle;
      boolean ok = true;
      boolean always = policy == FsyncPolicy.ALWAYS;
      long now = clock.millis();
      for (AppendLog log : logs) {
        ok &= log.drain(k, always, now);
      }
      if (ok) {
        durableCycle = k;
      }
      cycle = k + 1;
      release();
      if (!ok) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      } else if (always) {
        sleeping = true;
        if (!hasWork()) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WRITE_PERIOD_MS));
        }
        sleeping = false;
      } else {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(WRITE_PERIOD_MS));
      }
    }
  }

  /** Returns whether a record is pending or a connection waits for a later cycle. */
  private boolean hasWork() {
    if (!waiters.isEmpty()) {
      return true;
    }
    for (AppendLog log : logs) {
      if (log.hasPending()) {
        return true;
      }
    }
    return false;
  }

  /** Runs the actions of waiters whose ticket is durable. */
  private void release() {
    long durable = durableCycle;
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.ticket() <= durable) {
        it.remove();
        try {
          w.action().run();
        } catch (RuntimeException e) {
          LOG.warn("a durability callback failed", e);
        }
      }
    }
  }

  /** Stops the thread after its current cycle and runs every waiter still waiting. */
  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
