package io.tiercel.server.command;

import io.netty.buffer.ByteBuf;
import io.tiercel.core.ByteKey;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespWriter;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Server-assisted client-side caching ({@code CLIENT TRACKING}), as in Redis: a client that
 * turns tracking on is told when a key it has read may have changed, so it can drop its local
 * copy.
 *
 * <p><b>Default mode.</b> A table maps each key read by a tracking client to the ids of those
 * clients. A write of the key removes its entry and sends each listed client one
 * {@code invalidate} message; the client must read the key again to be told again (one-shot, as
 * Redis). In BCAST mode nothing is remembered: every write is announced to each broadcasting
 * client whose prefixes match the key. FLUSHDB and FLUSHALL announce a null key to everyone
 * tracking and empty the table.
 *
 * <p><b>Why no stale copy survives, with parallel event loops.</b> A read registers its key
 * <em>before</em> it runs, and a write looks the key up only <em>after</em> its change is in
 * the store; the table's per-key updates are atomic ({@link ConcurrentHashMap#compute}). So a
 * read either sees the new value or was registered in time to be told. An invalidation for
 * another connection is written from that connection's own event loop, as a task that runs
 * after its current batch of replies is flushed, so the client never receives the invalidation
 * of a key before the (older) value it read. The writer's own invalidations follow its reply.
 *
 * <p><b>Delivery.</b> RESP3 clients get a push {@code >2 invalidate [key]}. A client may
 * redirect its invalidations to another connection ({@code REDIRECT id}); a RESP2 target must be
 * subscribed to {@code __redis__:invalidate} and gets them as pub/sub messages on it. RESP2
 * without redirection gets nothing, as in Redis. The table holds at most {@link #MAX_KEYS} keys;
 * beyond that the oldest-found key is invalidated early, which costs only a refetch.
 *
 * <p><b>Evictions and expirations</b> are announced too, as Redis does: the node's caches report
 * them through {@link EvictionInvalidator}, on whatever thread removed the entry.
 */
final class Tracking {
  static final byte[] CHANNEL = Args.ascii("__redis__:invalidate");
  private static final int MAX_KEYS = 1 << 20;

  private final Map<Long, Session> clients;
  private final Map<ByteKey, Set<Long>> readers = new ConcurrentHashMap<>();
  private final Set<Session> broadcasters = ConcurrentHashMap.newKeySet();
  private final Set<Session> tracking = ConcurrentHashMap.newKeySet();

  /** Creates the tracking state of a node whose connected clients are {@code clients}. */
  Tracking(Map<Long, Session> clients) {
    this.clients = clients;
  }

  /** Returns whether any client tracks keys, so writes can skip the lookup otherwise. */
  boolean active() {
    return !tracking.isEmpty();
  }

  /** Turns tracking on for {@code s} with the given options. */
  void enable(Session s, long redirect, boolean bcast, List<byte[]> prefixes, boolean noLoop) {
    disable(s);
    s.trackingRedirect = redirect;
    s.trackingNoLoop = noLoop;
    s.trackingPrefixes = prefixes;
    s.trackingBcast = bcast;
    s.tracking = true;
    tracking.add(s);
    if (bcast) {
      broadcasters.add(s);
    }
  }

  /** Turns tracking off for {@code s}; keys it read are forgotten lazily. */
  void disable(Session s) {
    s.tracking = false;
    tracking.remove(s);
    broadcasters.remove(s);
  }

  /** Remembers that {@code s} reads the keys of command {@code cmd}; call before it runs. */
  void beforeRead(Session s, Command cmd, RespArgs a) {
    if (s.trackingBcast) {
      return;
    }
    Long id = s.id;
    int last = cmd.lastKey < 0 ? a.count() + cmd.lastKey : cmd.lastKey;
    for (int i = cmd.firstKey; i <= last && i < a.count(); i += cmd.step) {
      readers.compute(new ByteKey(a.bytes(i)), (k, ids) -> {
        Set<Long> set = ids == null ? ConcurrentHashMap.newKeySet() : ids;
        set.add(id);
        return set;
      });
    }
    if (readers.size() > MAX_KEYS) {
      Iterator<ByteKey> it = readers.keySet().iterator();
      if (it.hasNext()) {
        invalidate(null, it.next().bytes());
      }
    }
  }

  /** Tells the readers of the keys of write command {@code cmd}; call after it ran. */
  void afterWrite(Session from, Command cmd, RespArgs a) {
    int last = cmd.lastKey < 0 ? a.count() + cmd.lastKey : cmd.lastKey;
    for (int i = cmd.firstKey; i <= last && i < a.count(); i += cmd.step) {
      invalidate(from, a.bytes(i));
    }
  }

  /** Tells the readers of {@code key} that the node evicted or expired it. */
  void removedByCache(byte[] key) {
    invalidate(null, key);
  }

  /** Tells every tracking client that all keys may have changed (FLUSHDB, FLUSHALL). */
  void afterFlush(Session from) {
    readers.clear();
    for (Session s : tracking) {
      deliver(from, s, null);
    }
  }

  private void invalidate(Session from, byte[] key) {
    Set<Long> ids = readers.remove(new ByteKey(key));
    if (ids != null) {
      for (Long id : ids) {
        Session s = clients.get(id);
        if (s != null && s.tracking && !s.trackingBcast) {
          deliver(from, s, key);
        }
      }
    }
    for (Session s : broadcasters) {
      if (matchesPrefix(s.trackingPrefixes, key)) {
        deliver(from, s, key);
      }
    }
  }

  private static boolean matchesPrefix(List<byte[]> prefixes, byte[] key) {
    if (prefixes.isEmpty()) {
      return true;
    }
    for (byte[] p : prefixes) {
      if (key.length >= p.length && Arrays.equals(key, 0, p.length, p, 0, p.length)) {
        return true;
      }
    }
    return false;
  }

  /** Sends one invalidation ({@code key} null: everything) to {@code s} or its redirect. */
  private void deliver(Session from, Session s, byte[] key) {
    if (s == from && s.trackingNoLoop) {
      return;
    }
    Session target = s.trackingRedirect == 0 ? s : clients.get(s.trackingRedirect);
    if (target == null) {
      return;
    }
    boolean redirected = target != s;
    if (target == from) {
      // The writer itself, on its own event loop: after its reply, in the same batch.
      if (canReceive(target, redirected)) {
        write(target.reply.out(), target.resp3, key);
      }
      return;
    }
    target.channel.eventLoop().execute(() -> {
      if (!target.channel.isActive() || !canReceive(target, redirected)) {
        return;
      }
      ByteBuf buf = target.channel.alloc().ioBuffer(48 + (key == null ? 0 : key.length));
      write(buf, target.resp3, key);
      target.pushes.write(buf);
    });
  }

  /** Returns whether {@code target} can take a message; runs on its event loop. */
  private static boolean canReceive(Session target, boolean redirected) {
    return target.resp3 || (redirected && target.channels.contains(new ByteKey(CHANNEL)));
  }

  private static void write(ByteBuf out, boolean resp3, byte[] key) {
    if (resp3) {
      RespWriter.pushHeader(out, true, 2);
      RespWriter.bulk(out, "invalidate");
    } else {
      RespWriter.pushHeader(out, false, 3);
      RespWriter.bulk(out, "message");
      RespWriter.bulk(out, CHANNEL);
    }
    if (key == null) {
      RespWriter.nullBulk(out, resp3);
    } else {
      RespWriter.arrayHeader(out, 1);
      RespWriter.bulk(out, key);
    }
  }
}
