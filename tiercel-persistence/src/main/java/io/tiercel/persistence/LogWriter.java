package io.tiercel.persistence;

import io.tiercel.core.Clock;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.TicketWaiters;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one thread that writes every cache's append-only log and forces it to disk.
 *
 * <p><b>Cycles and group commit.</b> The writer runs numbered cycles. In cycle {@code k} it swaps
 * out each log's pending records, writes them, and forces the files each log's fsync policy says;
 * once every {@code always} log succeeded it publishes {@code durableCycle = k}. A record
 * appended to a log that was not yet swapped in the current cycle {@code c} is written in cycle
 * {@code c}, otherwise in {@code c+1}; that number is the record's <em>ticket</em>, computed under
 * the log's monitor, so it is exact. Only appends to an {@code always} log leave a ticket on the
 * appending thread, so a connection's replies wait ({@link CommitGate}) only for the caches that
 * ask for it, while a neighbour cache with {@code everysec} or {@code no} never waits. All writes
 * that arrive during one fsync share the next one, so the fsync rate bounds latency, not
 * throughput.
 *
 * <p><b>Pacing.</b> While any {@code always} log is registered the writer loops as long as there
 * is work and is woken by appenders when it parks. Otherwise it writes every
 * {@value #WRITE_PERIOD_MS} ms (so a killed process loses at most that much), and an
 * {@code everysec} log is forced once a second (so a lost machine loses about one second).
 *
 * <p><b>Bounded memory and back-pressure.</b> The bytes appended but not yet written to the file
 * (every log's pending buffer and failed-write carry) are counted in {@link #buffered}. Before a
 * cache changes a key it asks {@link #admit()}: under the limit that is one volatile read; over
 * it, the writer waits on a condition the writer thread signals as it writes bytes out, for at
 * most the configured wait, and then the write is refused with {@link LogFullException} before
 * anything changed. So a stalled disk (a slow fsync holds the writer thread) slows writers down
 * instead of growing the heap, and nothing acknowledged is ever dropped: a write is either in the
 * buffer (and will be written) or refused. The bound can be exceeded by the records of writers
 * admitted at the same moment, one record each.
 */
final class LogWriter implements CommitGate, AutoCloseable {
  static final long WRITE_PERIOD_MS = 10;

  private final Clock clock;
  private final LogSync sync;
  private final long bufferLimit;
  private final long admitWaitNanos;
  private final List<AppendLog> logs = new CopyOnWriteArrayList<>();
  private final ThreadLocal<long[]> threadTicket = ThreadLocal.withInitial(() -> new long[1]);
  private final TicketWaiters waiters = new TicketWaiters();
  private final AtomicLong buffered = new AtomicLong();
  private final ReentrantLock roomLock = new ReentrantLock();
  private final Condition room = roomLock.newCondition();
  private final AtomicInteger waitingForRoom = new AtomicInteger();
  private final AtomicLong admitWaits = new AtomicLong();
  private final AtomicLong admitRefusals = new AtomicLong();
  private final AtomicInteger alwaysLogs = new AtomicInteger();
  private final Thread thread;
  private volatile long cycle = 1;
  private volatile long durableCycle;
  private volatile boolean sleeping;
  private volatile boolean running = true;

  /**
   * Starts the writer thread; at most {@code bufferLimit} bytes wait in memory, and a writer waits
   * at most {@code admitWait} for room.
   */
  LogWriter(Clock clock, long bufferLimit, java.time.Duration admitWait, LogSync sync) {
    this.clock = clock;
    this.sync = sync;
    this.bufferLimit = bufferLimit;
    this.admitWaitNanos = admitWait.toNanos();
    this.thread = new Thread(this::run, "tiercel-aof-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Forces {@code channel} through the (possibly injected) sync. */
  void force(FileChannel channel) throws IOException {
    sync.force(channel);
  }

  /** Starts writing {@code log} every cycle. */
  void register(AppendLog log) {
    if (log.policy() == FsyncPolicy.ALWAYS) {
      alwaysLogs.incrementAndGet();
    }
    logs.add(log);
  }

  /** Stops writing {@code log}. */
  void unregister(AppendLog log) {
    if (logs.remove(log) && log.policy() == FsyncPolicy.ALWAYS) {
      alwaysLogs.decrementAndGet();
    }
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
    if (alwaysLogs.get() == 0) {
      // No cache asks for always: nothing to wait for, and no thread-local lookup per batch.
      return 0;
    }
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
    // Never failed: the writer retries a failed write until it lands (see run()).
    waiters.add(ticket, action, e -> { });
    LockSupport.unpark(thread);
  }

  /* --------------- Bounded buffer --------------- */

  /**
   * Returns once the buffered bytes are under the limit, waiting for the writer thread if they
   * are not.
   *
   * @throws LogFullException if the buffer stays full for the whole wait
   */
  void admit() {
    if (buffered.get() <= bufferLimit) {
      return;
    }
    admitWaits.incrementAndGet();
    // awaitNanos answers the time left of the wait, so no clock is read here.
    long left = admitWaitNanos;
    roomLock.lock();
    waitingForRoom.incrementAndGet();
    try {
      while (buffered.get() > bufferLimit) {
        if (left <= 0) {
          admitRefusals.incrementAndGet();
          throw new LogFullException("append-only log buffer is full (" + buffered.get()
              + " bytes waiting for the disk, aof-buffer-limit " + bufferLimit
              + "); the write was not applied");
        }
        left = room.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      admitRefusals.incrementAndGet();
      throw new LogFullException("interrupted while waiting for the append-only log buffer");
    } finally {
      waitingForRoom.decrementAndGet();
      roomLock.unlock();
    }
  }

  /** Counts {@code bytes} more appended and not yet written. */
  void buffered(long bytes) {
    buffered.addAndGet(bytes);
  }

  /** Counts {@code bytes} written out (or discarded with a dropped cache), waking waiters. */
  void written(long bytes) {
    long now = buffered.addAndGet(-bytes);
    if (waitingForRoom.get() > 0 && now <= bufferLimit) {
      roomLock.lock();
      try {
        room.signalAll();
      } finally {
        roomLock.unlock();
      }
    }
  }

  /** Returns the bytes appended and not yet written to a file. */
  long bufferedBytes() {
    return buffered.get();
  }

  /** Returns the buffer limit. */
  long bufferLimit() {
    return bufferLimit;
  }

  /** Returns the writers waiting for room right now. */
  int waitingForRoom() {
    return waitingForRoom.get();
  }

  /** Returns how many writes found the buffer full and waited. */
  long admitWaits() {
    return admitWaits.get();
  }

  /** Returns how many writes were refused after waiting. */
  long admitRefusals() {
    return admitRefusals.get();
  }

  /* --------------- The writer thread --------------- */

  private void run() {
    while (running) {
      long k = cycle;
      boolean ok = true;
      boolean always = alwaysLogs.get() > 0;
      long now = clock.millis();
      for (AppendLog log : logs) {
        boolean written = log.drain(k, now);
        if (log.policy() == FsyncPolicy.ALWAYS) {
          ok &= written;
        }
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
    waiters.release(durableCycle, null);
  }

  /**
   * Stops the thread after its current cycle, which runs the waiters it made durable; a waiter
   * whose ticket no cycle reached is not run (its reply is never sent).
   */
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
