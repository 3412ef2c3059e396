package io.tiercel.server.command;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.tiercel.core.KeySlot;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespWriter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The node's push channel for agents' SYNC messages ({@code SYNCHUB}): a sequenced pub/sub with
 * a replay backlog, so that a subscriber can tell that it missed a message and get it back.
 *
 * <p><b>Sequencing.</b> The hub has an <em>epoch</em>, a random number drawn when the node
 * starts, and one sequence per key slot (16384, {@link KeySlot}). {@code SYNCHUB PUBLISH key
 * payload} takes the next sequence of the key's slot and sends {@code [sync, epoch, slot, seq,
 * payload]} to every subscriber. Assigning the sequence and queueing the message on every
 * subscriber's channel happen under one of {@link #STRIPES} stripe locks (by slot), so each
 * subscriber receives a slot's messages in sequence order; a subscriber that sees {@code seq >
 * last + 1} knows it lost {@code seq - last - 1} messages of that slot. A changed epoch means the
 * node restarted and every sequence began again.
 *
 * <p><b>No echo.</b> An agent publishes on its request connections and receives on its
 * subscriber connection; both first say {@code SYNCHUB ORIGIN id}. A publish from a connection
 * with an origin is not delivered to subscribers of the same origin (the agent made the change
 * itself) and answers {@code [epoch, seq]} instead of the receiver count, so the agent records
 * its own sequence number and does not mistake the message it did not receive for a lost one.
 *
 * <p><b>Anti-entropy.</b> {@code SYNCHUB SUBSCRIBE} and {@code SYNCHUB SEQS} answer the epoch and
 * the current sequence of every slot that has one, so a subscriber that reconnects (or checks
 * periodically) finds the slots it is behind on even when no later message reveals the gap.
 * {@code SYNCHUB REPLAY slot after} answers the retained messages of a slot after a sequence and
 * whether they are complete. Messages are retained in a backlog bounded by bytes (oldest
 * dropped first, as Redis's replication backlog); a repair that finds it incomplete must drop what
 * it cannot refresh. The hub never interprets payloads: versions and values are the agents'.
 *
 * <p><b>Delivery.</b> Each subscriber has an {@link Outbox}: a FIFO of encoded messages that the
 * publishing loops append to (under the stripe lock, so in sequence order per slot) and that the
 * subscriber's own loop drains, writing every queued message and flushing once. A burst of
 * publishes read in one turn thus costs the subscriber one task and one {@code write} system
 * call, not one of each per message; a drain on the subscriber's own loop also runs inline once
 * {@link #INLINE_DRAIN} messages wait, so a long burst does not hold the first of them back until
 * its end. Each message passes the subscriber's {@link PushBufferLimit} first: an agent that stops
 * reading is closed, and repairs what it missed once it reconnects.
 *
 * <p><b>Test hook.</b> {@code SYNCHUB DEBUG DROPNEXT n} sequences and retains the next {@code n}
 * messages but delivers them to nobody (a lost message, repairable); {@code SYNCHUB DEBUG FORGET}
 * empties the backlog (so a repair cannot replay). Both answer an error unless the node runs with
 * {@code enable-debug-command yes} (or {@code local}, for clients on loopback or a UNIX socket).
 */
final class SyncHub {
  private static final int STRIPES = 64;
  /** Messages queued for a subscriber past which a publish on its own loop drains at once. */
  static final int INLINE_DRAIN = 32;
  private static final int ENTRY_OVERHEAD = 48;

  private final long epoch = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private final AtomicLongArray seqs = new AtomicLongArray(KeySlot.SLOTS);
  private final Object[] locks = new Object[STRIPES];
  private final Map<Session, Outbox> subscribers = new ConcurrentHashMap<>();
  private final ArrayDeque<Retained> backlog = new ArrayDeque<>();
  private final AtomicInteger dropNext = new AtomicInteger();
  private final DebugAccess debug;
  private final PushBufferLimit pushLimit;
  private volatile long backlogLimit;
  private long backlogBytes;

  private record Retained(int slot, long seq, byte[] payload) {}

  /**
   * Creates a hub that retains {@code backlogLimit} bytes of messages and lets {@code debug}
   * decide who may call its test hooks.
   */
  SyncHub(long backlogLimit, DebugAccess debug, PushBufferLimit pushLimit) {
    this.backlogLimit = backlogLimit;
    this.debug = debug;
    this.pushLimit = pushLimit;
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** Changes how many bytes of messages the backlog retains ({@code synchub-backlog-size}). */
  void backlogLimit(long bytes) {
    backlogLimit = bytes;
    synchronized (backlog) {
      trim();
    }
  }

  /** Runs {@code SYNCHUB subcommand ...}. */
  void command(Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "PUBLISH") && a.count() == 4) {
      long origin = s.syncOrigin;
      if (origin == 0) {
        r.integer(publish(a.bytes(2), a.bytes(3), 0));
      } else {
        long seq = publish(a.bytes(2), a.bytes(3), origin);
        r.array(2);
        r.integer(epoch);
        r.integer(seq);
      }
    } else if (a.equalsIgnoreCase(1, "ORIGIN") && a.count() == 3) {
      s.syncOrigin = Args.integer(a, 2);
      r.ok();
    } else if (a.equalsIgnoreCase(1, "SUBSCRIBE") && a.count() == 2) {
      subscribers.computeIfAbsent(s, Outbox::new);
      s.syncSubscribed = true;
      seqs(r, "subscribe");
    } else if (a.equalsIgnoreCase(1, "UNSUBSCRIBE") && a.count() == 2) {
      unsubscribe(s);
      if (s.takesAsyncReplies()) {
        replyAfterQueuedMessages(s);
      } else {
        r.ok();
      }
    } else if (a.equalsIgnoreCase(1, "SEQS") && a.count() == 2) {
      seqs(r, "seqs");
    } else if (a.equalsIgnoreCase(1, "REPLAY") && a.count() == 4) {
      long slot = Args.integer(a, 2);
      if (slot < 0 || slot >= KeySlot.SLOTS) {
        throw new CommandError("ERR slot " + slot + " (expected: 0.." + (KeySlot.SLOTS - 1) + ")");
      }
      replay(r, (int) slot, Args.integer(a, 3));
    } else if (a.equalsIgnoreCase(1, "DEBUG") && !debug.allows(s)) {
      throw new CommandError(debug.refusal("SYNCHUB DEBUG"));
    } else if (a.equalsIgnoreCase(1, "DEBUG") && a.count() == 4
        && a.equalsIgnoreCase(2, "DROPNEXT")) {
      long n = Args.integer(a, 3);
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw new CommandError("ERR DROPNEXT count out of range");
      }
      dropNext.set((int) n);
      r.ok();
    } else if (a.equalsIgnoreCase(1, "DEBUG") && a.count() == 3
        && a.equalsIgnoreCase(2, "FORGET")) {
      synchronized (backlog) {
        backlog.clear();
        backlogBytes = 0;
      }
      r.ok();
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      r.array(1);
      r.simple("SYNCHUB PUBLISH key payload | ORIGIN id | SUBSCRIBE | UNSUBSCRIBE | SEQS | "
          + "REPLAY slot after-seq | DEBUG DROPNEXT n | DEBUG FORGET");
    } else {
      AdminCommands.unknownSubcommand(a, "SYNCHUB");
    }
  }

  /**
   * Answers UNSUBSCRIBE through the subscriber's task queue, behind the messages other loops
   * queued for it before it unsubscribed, so every message published before the unsubscribe
   * reaches the subscriber before the {@code +OK}. The handler reads no further command meanwhile.
   */
  private static void replyAfterQueuedMessages(Session s) {
    s.replyLater(0, ok -> RespWriter.simpleString(ok, "OK"));
  }

  /** Forgets a subscriber (its connection closed or it sent RESET or UNSUBSCRIBE). */
  void unsubscribe(Session s) {
    if (s.syncSubscribed) {
      s.syncSubscribed = false;
      // Messages already queued are still written (or released by the drain, once closed).
      subscribers.remove(s);
    }
  }

  /**
   * Sequences, retains and delivers one message to every subscriber not of {@code origin} (0:
   * to all); returns how many subscribers got it, or its sequence if {@code origin} is not 0.
   */
  private long publish(byte[] key, byte[] payload, long origin) {
    int slot = KeySlot.of(key);
    synchronized (locks[slot % STRIPES]) {
      long seq = seqs.incrementAndGet(slot);
      retain(slot, seq, payload);
      if (dropNext.get() > 0 && dropNext.getAndDecrement() > 0) {
        return origin == 0 ? 0 : seq;
      }
      int receivers = 0;
      for (Outbox to : subscribers.values()) {
        if (origin == 0 || to.to.syncOrigin != origin) {
          to.offer(slot, seq, payload);
          receivers++;
        }
      }
      return origin == 0 ? receivers : seq;
    }
  }

  private void retain(int slot, long seq, byte[] payload) {
    synchronized (backlog) {
      backlog.add(new Retained(slot, seq, payload));
      backlogBytes += payload.length + ENTRY_OVERHEAD;
      trim();
    }
  }

  /** Drops the oldest retained messages past the limit; called under the backlog's lock. */
  private void trim() {
    long limit = backlogLimit;
    while (backlogBytes > limit && !backlog.isEmpty()) {
      backlogBytes -= backlog.poll().payload.length + ENTRY_OVERHEAD;
    }
  }

  /**
   * The messages waiting for one subscriber, drained on its event loop. Publishers append and
   * schedule a drain unless one is already scheduled; the drain clears the flag before it polls,
   * so a message appended during a drain is either written by it or by the drain it schedules.
   * The queue owns its buffers until they are written or, once the subscriber is gone, released.
   */
  private final class Outbox implements Runnable {
    private final Session to;
    private final Queue<ByteBuf> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicInteger queued = new AtomicInteger();

    Outbox(Session to) {
      this.to = to;
    }

    /** Encodes and queues one message; called under the slot's stripe lock. */
    void offer(int slot, long seq, byte[] payload) {
      ByteBuf buf = to.channel.alloc().ioBuffer(80 + payload.length);
      writeMessage(buf, to.resp3, slot, seq, payload);
      queue.add(buf);
      EventLoop loop = to.channel.eventLoop();
      if (queued.incrementAndGet() >= INLINE_DRAIN && loop.inEventLoop()) {
        run();
      } else if (scheduled.compareAndSet(false, true)) {
        try {
          loop.execute(this);
        } catch (RejectedExecutionException e) {
          discard();
        }
      }
    }

    /** Writes every queued message and flushes once; runs on the subscriber's loop. */
    @Override
    public void run() {
      scheduled.set(false);
      Channel ch = to.channel;
      boolean active = ch.isActive();
      ByteBuf buf;
      int written = 0;
      while ((buf = queue.poll()) != null) {
        queued.decrementAndGet();
        if (active && pushLimit.admit(to, buf.readableBytes())) {
          ch.write(buf, ch.voidPromise());
          written++;
        } else {
          active = false;
          buf.release();
        }
      }
      if (written > 0) {
        ch.flush();
      }
    }

    /** Releases what is still queued (the subscriber's loop is shutting down). */
    void discard() {
      ByteBuf buf;
      while ((buf = queue.poll()) != null) {
        queued.decrementAndGet();
        buf.release();
      }
    }
  }

  private void writeMessage(ByteBuf out, boolean resp3, int slot, long seq, byte[] payload) {
    RespWriter.pushHeader(out, resp3, 5);
    RespWriter.bulk(out, "sync");
    RespWriter.integer(out, epoch);
    RespWriter.integer(out, slot);
    RespWriter.integer(out, seq);
    RespWriter.bulk(out, payload);
  }

  /**
   * Answers {@code [kind, epoch, table]}: the table is a bulk string of 10-byte records (slot as
   * 2 bytes, then sequence as 8, big-endian) for every slot with a non-zero sequence.
   */
  private void seqs(Reply r, String kind) {
    List<long[]> nonZero = new ArrayList<>();
    for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
      long seq = seqs.get(slot);
      if (seq != 0) {
        nonZero.add(new long[] {slot, seq});
      }
    }
    ByteBuffer table = ByteBuffer.allocate(nonZero.size() * 10);
    for (long[] e : nonZero) {
      table.putShort((short) e[0]).putLong(e[1]);
    }
    r.array(3);
    r.bulk(kind);
    r.integer(epoch);
    r.bulk(table.array());
  }

  /**
   * Answers {@code [epoch, complete, seq1, payload1, ...]}: the retained messages of {@code slot}
   * after {@code after}, and 1 if they are every message from {@code after + 1} to the current
   * sequence (0 if some were dropped from the backlog).
   */
  private void replay(Reply r, int slot, long after) {
    List<Retained> found = new ArrayList<>();
    long current;
    synchronized (locks[slot % STRIPES]) {
      current = seqs.get(slot);
      synchronized (backlog) {
        for (Retained m : backlog) {
          if (m.slot == slot && m.seq > after) {
            found.add(m);
          }
        }
      }
    }
    boolean complete = after <= current && found.size() == current - after
        && (found.isEmpty() || found.get(0).seq == after + 1);
    r.array(2 + 2 * found.size());
    r.integer(epoch);
    r.integer(complete ? 1 : 0);
    for (Retained m : found) {
      r.integer(m.seq);
      r.bulk(m.payload);
    }
  }
}
