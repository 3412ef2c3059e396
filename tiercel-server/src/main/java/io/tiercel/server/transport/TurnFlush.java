package io.tiercel.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * Flushes the connections an event loop wrote replies to, all together, once the loop has read
 * every connection that was ready in this turn: what Redis does in {@code beforeSleep} with its
 * clients' pending writes.
 *
 * <p><b>Why.</b> Flushing each connection's replies as soon as its read batch is answered puts a
 * {@code write} between every two reads. The client side (redis-benchmark, or any client with
 * many connections on one thread) is then woken by the first reply, runs, sleeps and is woken
 * again by the next: one wake-up per connection, each paid by the loop's {@code write} (a
 * cross-CPU wake-up) and each a chance for the woken client to land on the loop's CPU and push
 * the loop off it. Measured under redis-benchmark's 50 connections at pipeline 16, that was
 * about 45,000 client wake-ups a second against Redis's 2,000, and 860 times in 0.6 s that the
 * client took the loop's CPU (docs/benchmarks.md, branch netperf6). Written back to back at the
 * end of the turn, the first write wakes the client and the others find it running.
 *
 * <p><b>How.</b> Netty runs the tasks queued during a turn after that turn's I/O, so the first
 * connection queued in a turn queues one task, which flushes every queued connection in order.
 * A reply waits at most for the rest of its turn's reads: the same bound as in Redis.
 *
 * <p><b>Threads.</b> One instance per event-loop thread (a {@link FastThreadLocal}); touched
 * only by that thread. A connection is queued from its own loop only.
 */
public final class TurnFlush implements Runnable {
  private static final FastThreadLocal<TurnFlush> OF_THREAD = new FastThreadLocal<>() {
    @Override
    protected TurnFlush initialValue() {
      return new TurnFlush();
    }
  };

  private final ArrayList<ChannelHandlerContext> pending = new ArrayList<>();

  private TurnFlush() {}

  /** Flushes {@code ctx} at the end of its loop's current turn; call on that loop. */
  public static void later(ChannelHandlerContext ctx) {
    TurnFlush f = OF_THREAD.get();
    if (f.pending.isEmpty()) {
      ctx.executor().execute(f);
    }
    f.pending.add(ctx);
  }

  /** Flushes every queued connection; runs as the loop's task. */
  @Override
  public void run() {
    ArrayList<ChannelHandlerContext> p = pending;
    for (int i = 0; i < p.size(); i++) {
      p.get(i).flush();
    }
    p.clear();
  }
}
