package io.tiercel.server.command;

import io.netty.buffer.ByteBuf;
import io.tiercel.core.KeySlot;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespWriter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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
 * <p><b>Anti-entropy.</b> {@code SYNCHUB SUBSCRIBE} and {@code SYNCHUB SEQS} answer the epoch and
 * the current sequence of every slot that has one, so a subscriber that reconnects (or checks
 * periodically) finds the slots it is behind on even when no later message reveals the gap.
 * {@code SYNCHUB REPLAY slot after} answers the retained messages of a slot after a sequence and
 * whether they are complete. Messages are retained in a backlog bounded by bytes (oldest
 * dropped first, as Redis's replication backlog); a repair that finds it incomplete must drop what
 * it cannot refresh. The hub never interprets payloads: versions and values are the agents'.
 *
 * <p><b>Test hook.</b> {@code SYNCHUB DEBUG DROPNEXT n} sequences and retains the next {@code n}
 * messages but delivers them to nobody (a lost message, repairable); {@code SYNCHUB DEBUG FORGET}
 * empties the backlog (so a repair cannot replay).
 */
final class SyncHub {
  /** Bytes of payload the backlog retains before dropping its oldest messages. */
  static final long BACKLOG_BYTES = 8L << 20;
  private static final int STRIPES = 64;
  private static final int ENTRY_OVERHEAD = 48;

  private final long epoch = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private final AtomicLongArray seqs = new AtomicLongArray(KeySlot.SLOTS);
  private final Object[] locks = new Object[STRIPES];
  private final Set<Session> subscribers = ConcurrentHashMap.newKeySet();
  private final ArrayDeque<Retained> backlog = new ArrayDeque<>();
  private final AtomicInteger dropNext = new AtomicInteger();
  private long backlogBytes;

  private record Retained(int slot, long seq, byte[] payload) {}

  SyncHub() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  /** Runs {@code SYNCHUB subcommand ...}. */
  void command(Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "PUBLISH") && a.count() == 4) {
      r.integer(publish(a.bytes(2), a.bytes(3)));
    } else if (a.equalsIgnoreCase(1, "SUBSCRIBE") && a.count() == 2) {
      subscribers.add(s);
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
      r.simple("SYNCHUB PUBLISH key payload | SUBSCRIBE | UNSUBSCRIBE | SEQS | "
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
    s.awaitingReply = true;
    s.channel.eventLoop().execute(() -> {
      ByteBuf ok = s.channel.alloc().ioBuffer(8);
      RespWriter.simpleString(ok, "OK");
      s.deliver(ok);
    });
  }

  /** Forgets a subscriber (its connection closed or it sent RESET or UNSUBSCRIBE). */
  void unsubscribe(Session s) {
    if (s.syncSubscribed) {
      s.syncSubscribed = false;
      subscribers.remove(s);
    }
  }

  /** Sequences, retains and delivers one message; returns how many subscribers got it. */
  private int publish(byte[] key, byte[] payload) {
    int slot = KeySlot.of(key);
    synchronized (locks[slot % STRIPES]) {
      long seq = seqs.incrementAndGet(slot);
      retain(slot, seq, payload);
      if (dropNext.get() > 0 && dropNext.getAndDecrement() > 0) {
        return 0;
      }
      int receivers = 0;
      for (Session to : subscribers) {
        deliver(to, slot, seq, payload);
        receivers++;
      }
      return receivers;
    }
  }

  private void retain(int slot, long seq, byte[] payload) {
    synchronized (backlog) {
      backlog.add(new Retained(slot, seq, payload));
      backlogBytes += payload.length + ENTRY_OVERHEAD;
      while (backlogBytes > BACKLOG_BYTES && !backlog.isEmpty()) {
        backlogBytes -= backlog.poll().payload.length + ENTRY_OVERHEAD;
      }
    }
  }

  /**
   * Queues one message on the subscriber's event loop, which then owns the buffer. Always through
   * the loop's task queue, even from that loop itself (a direct write would overtake messages
   * other loops queued earlier): enqueued under the slot's stripe lock, so in sequence order.
   */
  private void deliver(Session to, int slot, long seq, byte[] payload) {
    ByteBuf buf = to.channel.alloc().ioBuffer(80 + payload.length);
    writeMessage(buf, to.resp3, slot, seq, payload);
    try {
      to.channel.eventLoop().execute(
          () -> to.channel.writeAndFlush(buf, to.channel.voidPromise()));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      buf.release();
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
