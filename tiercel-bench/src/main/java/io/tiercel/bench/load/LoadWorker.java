package io.tiercel.bench.load;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives a share of the connections: one thread receives on a selector; in the closed loop it also
 * sends, in the open loop a second thread sends on a fixed schedule.
 *
 * <p>Closed loop: every connection starts with {@code pipeline} requests, and each reply is
 * followed at once by the next request, so exactly {@code pipeline} are in flight; a request's
 * latency runs from when it is written. The offered load adapts to the server, which is what
 * "how fast can it go" means, but a stall hides the requests that would have been sent meanwhile
 * (coordinated omission).
 *
 * <p>Open loop: request j of this worker is due at {@code start + j / rate}, whatever the replies
 * do. The sender parks until the next due time, then writes every request that is due, round-robin
 * over the connections that have room under their in-flight cap. A request's latency runs from its
 * due time, not from when it was written: if the server stalls, or the cap holds a request back,
 * or the sender wakes late, the wait counts, which is the correction for coordinated omission
 * that wrk2 applies. The receiving thread settles replies as they arrive.
 *
 * <p>Stopping: {@link #stopIssuing()} ends sending; the receiving thread then drains what is in
 * flight until {@code drainNanos} passes, and counts what is still unanswered as timeouts.
 */
final class LoadWorker {
  private final List<Connection> connections;
  private final Selector selector;
  private final int pipeline;
  private final double ratePerSecond;
  private final long drainNanos;
  final WorkerStats stats;
  private volatile boolean stopIssuing;
  private volatile long issueLimit = Long.MAX_VALUE;
  private volatile long issued;
  private volatile long lastReplyNanos;
  private volatile boolean finished;
  private volatile boolean senderDone;
  private Thread receiver;
  private Thread sender;

  LoadWorker(List<Connection> connections, WorkerStats stats, int pipeline, double ratePerSecond,
      long drainNanos) throws IOException {
    this.connections = new ArrayList<>(connections);
    this.stats = stats;
    this.pipeline = pipeline;
    this.ratePerSecond = ratePerSecond;
    this.drainNanos = drainNanos;
    this.selector = Selector.open();
    for (Connection c : connections) {
      c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
    }
  }

  /** Starts the worker's threads; {@code name} names them. */
  void start(String name) {
    boolean open = ratePerSecond > 0;
    receiver = Thread.ofPlatform().name(name + "-recv").daemon().start(() -> receive(open));
    if (open) {
      sender = Thread.ofPlatform().name(name + "-send").daemon().start(this::sendOnSchedule);
    }
  }

  /** Stops sending once {@code more} further requests have been sent. */
  void limitIssues(long more) {
    issueLimit = issued + more;
  }

  /** Stops sending now; replies in flight are still received. */
  void stopIssuing() {
    stopIssuing = true;
    selector.wakeup();
  }

  /** Returns whether the issue limit has been reached and nothing is in flight. */
  boolean quiescent() {
    if (finished) {
      return true;
    }
    if (issued < issueLimit) {
      return false;
    }
    for (Connection c : connections) {
      if (!c.closed() && c.inFlight.size() > 0) {
        return false;
      }
    }
    return true;
  }

  /** Returns the {@link System#nanoTime()} of the last reply received. */
  long lastReplyNanos() {
    return lastReplyNanos;
  }

  /** Waits for both threads to end. */
  void join() throws InterruptedException {
    receiver.join();
    if (sender != null) {
      sender.join();
    }
  }

  /** Returns the number of open connections. */
  int openConnections() {
    int open = 0;
    for (Connection c : connections) {
      open += c.closed() ? 0 : 1;
    }
    return open;
  }

  private boolean mayIssue() {
    return !stopIssuing && issued < issueLimit;
  }

  private void receive(boolean open) {
    try {
      if (!open) {
        long now = System.nanoTime();
        for (Connection c : connections) {
          for (int i = 0; i < pipeline && mayIssue(); i++) {
            c.issue(now);
            issued++;
          }
          flushClosedLoop(c);
        }
      }
      long drainDeadline = Long.MAX_VALUE;
      while (true) {
        if (stopIssuing || issued >= issueLimit) {
          if (drainDeadline == Long.MAX_VALUE && stopIssuing) {
            drainDeadline = System.nanoTime() + drainNanos;
          }
          boolean sending = open && !senderDone;
          if (stopIssuing && !sending
              && (nothingInFlight() || System.nanoTime() > drainDeadline)) {
            break;
          }
        }
        if (openConnections() == 0) {
          break;
        }
        selector.select(50);
        for (SelectionKey key : selector.selectedKeys()) {
          Connection c = (Connection) key.attachment();
          if (key.isValid() && key.isReadable()) {
            readFrom(c, open);
          }
          if (!open && key.isValid() && key.isWritable()) {
            flushClosedLoop(c);
          }
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException | ClosedSelectorException e) {
      for (Connection c : connections) {
        c.fail(Outcome.CONNECTION_ERROR, "selector: " + e);
      }
    } finally {
      for (Connection c : connections) {
        c.fail(Outcome.TIMEOUT, "no reply within the drain time at the end of the run");
      }
      finished = true;
      try {
        selector.close();
      } catch (IOException e) {
        // closing at the end; nothing is left to report to
      }
    }
  }

  private boolean nothingInFlight() {
    for (Connection c : connections) {
      if (!c.closed() && c.inFlight.size() > 0) {
        return false;
      }
    }
    return true;
  }

  private void readFrom(Connection c, boolean open) {
    try {
      int replies = c.receive(System.nanoTime());
      if (replies < 0) {
        c.fail(Outcome.CONNECTION_ERROR, "the server closed the connection");
        return;
      }
      if (replies > 0) {
        lastReplyNanos = System.nanoTime();
      }
      if (!open) {
        long now = System.nanoTime();
        while (c.canIssue() && mayIssue()) {
          c.issue(now);
          issued++;
        }
        flushClosedLoop(c);
      }
    } catch (WireProtocol.ProtocolViolation e) {
      if (c.inFlight.size() == 0) {
        stats.countError(Outcome.PROTOCOL_ERROR, e.getMessage());
      }
            c.fail(Outcome.PROTOCOL_ERROR, e.getMessage());
    } catch (IOException e) {
      c.fail(Outcome.CONNECTION_ERROR, e.toString());
    }
  }

  private void flushClosedLoop(Connection c) {
    try {
      boolean empty = c.flush();
      if (c.key.isValid()) {
        c.key.interestOps(empty ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      }
    } catch (IOException e) {
      c.fail(Outcome.CONNECTION_ERROR, e.toString());
    }
  }

  private void sendOnSchedule() {
    try {
      sendUntilStopped();
    } finally {
      senderDone = true;
      selector.wakeup();
    }
  }

  private void sendUntilStopped() {
    double interval = 1e9 / ratePerSecond;
    long start = System.nanoTime();
    long sent = 0;
    int next = 0;
    int n = connections.size();
    boolean[] dirty = new boolean[n];
    while (mayIssue() && !finished) {
      long now = System.nanoTime();
      long due = start + (long) (sent * interval);
      boolean blocked = false;
      while (due <= now && mayIssue()) {
        int chosen = -1;
        for (int tried = 0; tried < n; tried++) {
          int i = (next + tried) % n;
          if (connections.get(i).canIssue()) {
            chosen = i;
            break;
          }
        }
        if (chosen < 0) {
          blocked = true; // every connection is at its cap: the request stays due, its wait counts
          break;
        }
        connections.get(chosen).issue(due);
        dirty[chosen] = true;
        issued++;
        sent++;
        next = (chosen + 1) % n;
        due = start + (long) (sent * interval);
      }
      boolean pending = false;
      for (int i = 0; i < n; i++) {
        if (dirty[i]) {
          Connection c = connections.get(i);
          try {
            dirty[i] = !c.flush() && !c.closed();
            pending |= dirty[i];
          } catch (IOException e) {
            dirty[i] = false;
            if (!c.closed()) {
              c.fail(Outcome.CONNECTION_ERROR, e.toString());
            }
          }
        }
      }
      if (openConnections() == 0) {
        break;
      }
      long wait = due - System.nanoTime();
      if (blocked || pending) {
        wait = Math.min(wait, 50_000);
      }
      if (wait > 0) {
        LockSupport.parkNanos(Math.min(wait, 10_000_000));
      }
    }
  }
}
