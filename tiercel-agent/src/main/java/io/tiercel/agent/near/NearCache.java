package io.tiercel.agent.near;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tiercel.agent.sync.CacheKey;
import io.tiercel.agent.upstream.ReplyFramer;
import io.tiercel.agent.upstream.Requests;
import io.tiercel.agent.upstream.UpstreamConnection;
import io.tiercel.core.Clock;
import io.tiercel.protocol.resp.RespArgs;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The agent's near cache: local copies of what {@code GGET} fetched from the node, dropped when
 * the node says the key changed (server-assisted client caching, {@code CLIENT TRACKING}).
 *
 * <p><b>Invalidation path.</b> One subscriber connection ({@link InvalidationChannel}) learns its
 * client id and subscribes to {@code __redis__:invalidate}; each request connection then sends
 * {@code CLIENT TRACKING on REDIRECT id}, so every key a request connection reads is registered
 * on the node and any later write of it sends the key to the invalidation channel. A request
 * connection may fill copies only once the node acknowledged its tracking for the current
 * channel id ({@link #registered}); a fill through any other connection is never tracked.
 *
 * <p><b>The GGET-versus-write race.</b> The invalidation of a write that lands just after the
 * node read the value can reach the agent <em>before</em> the reply carrying the old value (they
 * travel on different connections). So a miss first puts a fresh {@code Reservation} for the key
 * into the map, then sends {@code GET key} and {@code PTTL key}; the node registers the key before
 * reading it. An invalidation removes whatever the map holds for the key, reservation included,
 * and the fill replaces the reservation only if it is still the same object
 * ({@link ConcurrentHashMap#replace(Object, Object, Object)}). Either the invalidation comes after
 * the fill and removes the copy, or before it and the fill is discarded: no stale copy survives.
 * This is Hazelcast's reserve-then-publish. A GSET/GDEL through the agent drops the local copy
 * before it is forwarded, so the writer reads its own write.
 *
 * <p><b>Named caches.</b> Copies are keyed by (cache, key): the GET and PTTL of a fill run in
 * the node's cache of the session's name (the upstream connection SELECTs it), and a copy is
 * served only to sessions of that cache. The node's tracking table and its invalidations name
 * keys only, and a write of {@code k} in any cache announces {@code k}; so an invalidation drops
 * {@code k}'s copies in every near-cached cache (over-invalidation, never a stale copy).
 *
 * <p><b>Expiry.</b> A copy expires at the node's expiry ({@code PTTL}, read in the same
 * pipeline) or after the TTL backstop, whichever is first; the backstop bounds what the node does
 * not announce (evictions). <b>Disconnects.</b> When the invalidation channel or any request
 * connection is lost, every copy is dropped (their registrations on the node are gone) and no fill
 * happens until tracking is re-established.
 */
public final class NearCache {
  private static final byte[] PTTL = "PTTL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CLIENT = "CLIENT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TRACKING = "TRACKING".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ON = "on".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REDIRECT = "REDIRECT".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Set<String> caches;
  private final long ttlMillis;
  private final int maxEntries;
  private final Clock clock;
  private final Map<CacheKey, Object> entries = new ConcurrentHashMap<>();
  private final Map<UpstreamConnection, Long> registered = new ConcurrentHashMap<>();
  private volatile long channelId;
  private Supplier<Collection<UpstreamConnection>> requestConnections = Set::of;
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder fills = new LongAdder();
  final LongAdder fillsDiscarded = new LongAdder();
  final LongAdder invalidations = new LongAdder();
  final LongAdder flushes = new LongAdder();

  /** A reservation for one fill in flight through {@code via}, tracked for channel {@code id}. */
  private record Reservation(UpstreamConnection via, long id) {
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  /** A copy and the epoch millis it expires at. */
  private record Copy(byte[] value, long expireAt) {}

  /**
   * Creates a near cache for GGETs of sessions that selected one of {@code caches} (none: off),
   * keeping copies at most {@code ttlMillis} and about {@code maxEntries} of them.
   */
  public NearCache(Set<String> caches, long ttlMillis, int maxEntries, Clock clock) {
    this.caches = Set.copyOf(caches);
    this.ttlMillis = ttlMillis;
    this.maxEntries = maxEntries;
    this.clock = clock;
  }

  /** Returns whether any cache uses the near cache (the agent then tracks on the node). */
  public boolean enabled() {
    return !caches.isEmpty();
  }

  /** Sets where the request connections to register tracking on come from. */
  public void requestConnections(Supplier<Collection<UpstreamConnection>> connections) {
    this.requestConnections = connections;
  }

  /**
   * Returns the copy for {@code GGET key} ({@code a}) of a session in cache {@code cache}, or null
   * if it must go to the node (counted as a hit or a miss).
   */
  public byte[] hit(String cache, RespArgs a) {
    if (!caches.contains(cache) || a.count() != 2) {
      return null;
    }
    CacheKey key = new CacheKey(cache, a.bytes(1));
    if (entries.get(key) instanceof Copy c) {
      if (c.expireAt > clock.millis()) {
        hits.increment();
        return c.value;
      }
      entries.remove(key, c);
    }
    misses.increment();
    return null;
  }

  /**
   * Forwards {@code request} (the node's {@code command} for {@code a}) through {@code up} and
   * returns the future of its reply: a GET from a near-cached cache also fills the copy; a SET or
   * DEL first drops the copies of its keys.
   */
  public CompletableFuture<byte[]> forward(UpstreamConnection up, String command, RespArgs a,
      String cache, ByteBuf request) {
    if (!enabled()) {
      return up.send(cache, request);
    }
    if (!command.equals("GET")) {
      if (caches.contains(cache)) {
        int last = command.equals("SET") ? 1 : a.count() - 1;
        for (int i = 1; i <= last; i++) {
          entries.remove(new CacheKey(cache, a.bytes(i)));
        }
      }
      return up.send(cache, request);
    }
    long id = channelId;
    Long tracked = registered.get(up);
    if (!caches.contains(cache) || a.count() != 2 || id == 0 || tracked == null
        || tracked != id) {
      return up.send(cache, request);
    }
    byte[] key = a.bytes(1);
    CacheKey k = new CacheKey(cache, key);
    Reservation r = new Reservation(up, id);
    makeRoom();
    entries.put(k, r);
    CompletableFuture<byte[]> value = up.send(cache, request);
    CompletableFuture<byte[]> ttl =
        up.send(cache, Requests.of(ByteBufAllocator.DEFAULT, PTTL, key));
    value.thenAcceptBoth(ttl, (v, t) -> fill(k, r, v, t)).whenComplete((ok, err) -> {
      if (err != null) {
        entries.remove(k, r);
      }
    });
    return value;
  }

  private void fill(CacheKey k, Reservation r, byte[] rawValue, byte[] rawTtl) {
    Object v = ReplyFramer.parse(rawValue);
    Object t = ReplyFramer.parse(rawTtl);
    if (!(v instanceof byte[] value) || !(t instanceof Long pttl) || pttl == -2) {
      entries.remove(k, r);
      return;
    }
    long now = clock.millis();
    long expireAt = pttl >= 0 ? Math.min(now + pttl, now + ttlMillis) : now + ttlMillis;
    Copy copy = new Copy(value, expireAt);
    if (!entries.replace(k, r, copy)) {
      fillsDiscarded.increment();
    } else if (!stillTracked(r)) {
      // Tracking was lost while filling; its flush may have run before the replace.
      entries.remove(k, copy);
      fillsDiscarded.increment();
    } else {
      fills.increment();
    }
  }

  private boolean stillTracked(Reservation r) {
    Long tracked = registered.get(r.via);
    return channelId == r.id && tracked != null && tracked == r.id;
  }

  private void makeRoom() {
    if (entries.size() < maxEntries) {
      return;
    }
    Iterator<CacheKey> it = entries.keySet().iterator();
    for (int i = 0; i < 16 && it.hasNext(); i++) {
      it.next();
      it.remove();
    }
  }

  /** Drops the copies of {@code key} in every cache (an invalidation names no cache). */
  void invalidate(byte[] key) {
    invalidations.increment();
    for (String cache : caches) {
      entries.remove(new CacheKey(cache, key));
    }
  }

  /** Drops every copy and reservation. */
  public void flush() {
    flushes.increment();
    entries.clear();
  }

  /** The invalidation channel is subscribed as client {@code id}: registers tracking there. */
  void activate(long id) {
    flush();
    channelId = id;
    for (UpstreamConnection c : requestConnections.get()) {
      register(c, id);
    }
  }

  /** The invalidation channel is gone: no copy can be trusted or made until it is back. */
  void deactivate() {
    channelId = 0;
    registered.clear();
    flush();
  }

  private void register(UpstreamConnection c, long id) {
    c.send(Requests.of(ByteBufAllocator.DEFAULT, CLIENT, TRACKING, ON, REDIRECT,
        Long.toString(id).getBytes(StandardCharsets.US_ASCII))).whenComplete((raw, err) -> {
          if (err == null && Arrays.equals(raw, OK) && channelId == id) {
            registered.put(c, id);
          }
        });
  }

  /** A request connection is up (again): registers its tracking if the channel is. */
  public void requestConnected(UpstreamConnection c) {
    long id = channelId;
    if (id != 0) {
      register(c, id);
    }
  }

  /** A request connection was lost: its registrations on the node are gone with it. */
  public void requestDisconnected(UpstreamConnection c) {
    if (registered.remove(c) != null) {
      flush();
    }
  }

  /** Returns the number of copies and reservations. */
  public int size() {
    return entries.size();
  }

  /** Returns the GGETs answered from a copy. */
  public long hits() {
    return hits.sum();
  }

  /** Returns the GGETs of near-cached caches that went to the node. */
  public long misses() {
    return misses.sum();
  }

  /** Returns the invalidated keys received from the node. */
  public long invalidations() {
    return invalidations.sum();
  }

  /** Zeroes the counters ({@code CONFIG RESETSTAT}). */
  public void resetStats() {
    for (LongAdder a : new LongAdder[] {hits, misses, fills, fillsDiscarded, invalidations,
        flushes}) {
      a.reset();
    }
  }

  /** Appends the near-cache fields of {@code INFO agent}. */
  public void info(StringBuilder sb) {
    long h = hits.sum();
    long m = misses.sum();
    sb.append("near_cache_caches:").append(String.join(",", caches)).append("\r\n")
        .append("near_cache_tracking:").append(channelId != 0 ? 1 : 0).append("\r\n")
        .append("near_cache_entries:").append(entries.size()).append("\r\n")
        .append("near_cache_hits:").append(h).append("\r\n")
        .append("near_cache_misses:").append(m).append("\r\n")
        .append("near_cache_hit_ratio:").append(h + m == 0 ? "0.0000"
            : String.format(java.util.Locale.ROOT, "%.4f", (double) h / (h + m))).append("\r\n")
        .append("near_cache_fills:").append(fills.sum()).append("\r\n")
        .append("near_cache_fills_discarded:").append(fillsDiscarded.sum()).append("\r\n")
        .append("near_cache_invalidations:").append(invalidations.sum()).append("\r\n")
        .append("near_cache_flushes:").append(flushes.sum()).append("\r\n");
  }
}
