package io.tiercel.server.pipeline;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.FastThreadLocal;
import io.tiercel.core.Cache;
import io.tiercel.core.KeyBatch;
import io.tiercel.server.transport.TurnFlush;
import java.util.ArrayList;

/**
 * Runs what an event loop read from its connections in one turn at the end of that turn, a few
 * connections at a time, after loading what each one's first command will touch in the store:
 * the misses of their lookups overlap instead of stalling one after another. It is pipeline 1's
 * counterpart of {@link PipelinePrefetch}, across connections instead of within one.
 *
 * <p><b>Why.</b> At pipeline 1 a read brings one command, and its lookup misses the processor's
 * caches at every link of the chain (slot table, entry, data array): between two commands the
 * kernel's work on the sockets evicts them. Under redis-benchmark's 50 connections at pipeline 1,
 * the slot-table probe alone took 9-10 % of the node's CPU, about 1.2 µs a GET, even with only
 * 1,000 keys in use. Yet one turn of the loop reads some 48 connections (2,080 epoll waits per
 * 100,000 requests). Deferred to the end of the turn, the first keys of {@link KeyBatch#CAPACITY}
 * connections go through {@link Cache#prefetch} together, which loads the first link of every
 * chain, then the second, with many misses in flight at once; then those connections run. Redis 8
 * batches its clients' commands for the same reason.
 *
 * <p><b>Latency.</b> Unchanged: replies were already sent only at the end of the turn
 * ({@link TurnFlush}), and a command run later in the same turn is answered in the same flush.
 * One connection's commands still run in the order they came, and the connections in the order
 * the loop read them.
 *
 * <p><b>Threads.</b> One instance per event-loop thread (a {@link FastThreadLocal}), touched only
 * by that thread; a connection is queued from its own loop only. A turn's first connection queues
 * the task, which runs after the turn's reads and before the flush its connections ask for.
 */
final class TurnBatch implements Runnable {
  private static final FastThreadLocal<TurnBatch> OF_THREAD = new FastThreadLocal<>() {
    @Override
    protected TurnBatch initialValue() {
      return new TurnBatch();
    }
  };

  private final ArrayList<RespServerHandler> pending = new ArrayList<>();
  private final BatchKeys keys = new BatchKeys();

  private TurnBatch() {}

  /** Runs {@code handler}'s reads of this turn at the turn's end; call on {@code ctx}'s loop. */
  static void later(ChannelHandlerContext ctx, RespServerHandler handler) {
    TurnBatch b = OF_THREAD.get();
    if (b.pending.isEmpty()) {
      ctx.executor().execute(b);
    }
    b.pending.add(handler);
  }

  /** Prefetches and runs every queued connection, {@link KeyBatch#CAPACITY} at a time. */
  @Override
  public void run() {
    ArrayList<RespServerHandler> p = pending;
    KeyBatch batch = keys.batch();
    try {
      for (int start = 0; start < p.size(); start += KeyBatch.CAPACITY) {
        int end = Math.min(p.size(), start + KeyBatch.CAPACITY);
        batch.clear();
        Cache cache = null;
        for (int i = start; i < end; i++) {
          cache = p.get(i).lookAheadFirst(keys, cache);
        }
        if (cache != null && batch.count() > 1) {
          cache.prefetch(batch);
        }
        for (int i = start; i < end; i++) {
          p.get(i).runDeferred();
        }
      }
    } finally {
      // Emptied even if a connection failed, so the next turn queues the task again.
      p.clear();
    }
  }
}
