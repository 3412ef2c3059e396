package io.tiercel.server.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.tiercel.core.backing.BackedCache;
import io.tiercel.protocol.resp.RespArgs;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a key command of a cache with a backing store off the event loop and writes its reply
 * when it completes.
 *
 * <p>Design: the command's arguments are copied out of the connection's buffer, the session is
 * marked as awaiting a reply (its handler stops decoding further commands, so replies stay in
 * order), and the unchanged command code runs on the key's lane of the cache's key-affinity
 * executor, writing into a reply buffer of its own. Commands over several keys run on a small
 * pool instead and hop to each key's lane (a lane never waits for another lane). The finished
 * buffer goes back to the connection's event loop through {@link Session#deliver}, which owns it
 * from then on.
 */
final class AsyncCommand {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService MULTI_KEY = new ThreadPoolExecutor(0, 64, 30,
      TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "tiercel-multikey-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
      }, new ThreadPoolExecutor.CallerRunsPolicy());

  private AsyncCommand() {}

  /** Returns whether {@code cmd} on {@code s}'s cache must leave the event loop. */
  static boolean needed(Session s, Command cmd) {
    return cmd.firstKey > 0 && s.cache instanceof BackedCache;
  }

  /** Starts {@code cmd}; the session's handler resumes when the reply is delivered. */
  static void start(CommandDispatcher dispatcher, Command cmd, Session s, RespArgs a) {
    if (!(s.cache instanceof BackedCache cache)) {
      // Dropped since needed() looked (a CACHE DROP on another connection): the stand-in fails.
      dispatcher.runGuarded(cmd, s, a, s.reply);
      return;
    }
    RespArgs copy = a.copy();
    Channel ch = s.channel;
    boolean resp3 = s.resp3;
    s.awaitingReply = true;
    java.util.concurrent.Callable<ByteBuf> task = () -> {
      Reply r = new Reply(ch.alloc());
      r.setResp3(resp3);
      dispatcher.runGuarded(cmd, s, copy, r);
      ByteBuf out = r.take();
      return out == null ? Unpooled.EMPTY_BUFFER : out;
    };
    CompletableFuture<ByteBuf> f;
    boolean singleKey = cmd.lastKey == cmd.firstKey || a.count() == 2;
    if (singleKey) {
      f = cache.submit(copy.bytes(cmd.firstKey), task);
    } else {
      f = CompletableFuture.supplyAsync(() -> {
        try {
          return task.call();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, MULTI_KEY);
    }
    f.whenComplete((buf, error) -> {
      ByteBuf out = buf;
      if (error != null) {
        out = ch.alloc().ioBuffer(64);
        io.tiercel.protocol.resp.RespWriter.error(out, "ERR " + cmd.lowerName + " failed: "
            + error.getMessage());
      }
      ByteBuf reply = out;
      ch.eventLoop().execute(() -> s.deliver(reply));
    });
  }
}
