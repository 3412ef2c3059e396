package io.tiercel.agent.sync;

import io.netty.buffer.ByteBufAllocator;
import io.tiercel.agent.upstream.ReplyFramer;
import io.tiercel.agent.upstream.Requests;
import io.tiercel.agent.upstream.UpstreamConnection;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Clock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves SYNC writes between agents through a node's pub/sub: publishes this agent's changes on
 * {@link SyncMessage#CHANNEL} and applies other agents' changes to the local caches, each only
 * if newer than the key's {@link VersionTable} stamp.
 *
 * <p>Staleness: pub/sub is fire-and-forget, so messages sent while the subscriber is off the node
 * are lost. When the subscriber connection drops, every synced key is therefore removed from the
 * local caches at once (stamps are kept, so old messages stay rejected): a read then misses
 * rather than returning a value that may have changed elsewhere. Nothing is served stale
 * silently; the drop is counted.
 */
public final class Synchronizer implements UpstreamConnection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(Synchronizer.class);
  private static final byte[] SUBSCRIBE = "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PUBLISH = "PUBLISH".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHANNEL = SyncMessage.CHANNEL.getBytes(StandardCharsets.UTF_8);
  private static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);

  /** What the synchronizer counts. */
  public interface Counters {
    /** A remote change was applied, {@code lagMicros} after its origin sent it. */
    void applied(long lagMicros);

    /** A remote change was older than the key's version and ignored. */
    void ignoredOld();

    /** A message on the channel could not be parsed. */
    void malformed();

    /** The subscriber lost its node; {@code dropped} synced keys were removed locally. */
    void disconnected(long dropped);
  }

  private final CacheManager caches;
  private final Clock clock;
  private final LongSupplier micros;
  private final long origin;
  private final HybridClock hlc;
  private final VersionTable versions;
  private final Counters counters;
  private volatile boolean subscribed;

  /** Creates the synchronizer of agent {@code origin}. */
  public Synchronizer(CacheManager caches, Clock clock, LongSupplier micros, long origin,
      VersionTable versions, Counters counters) {
    this.caches = caches;
    this.clock = clock;
    this.micros = micros;
    this.origin = origin;
    this.hlc = new HybridClock(clock);
    this.versions = versions;
    this.counters = counters;
  }

  /** Returns this agent's origin id. */
  public long origin() {
    return origin;
  }

  /** Returns the version table. */
  public VersionTable versions() {
    return versions;
  }

  /** Returns whether the subscriber is on its node (SYNC writes are refused otherwise). */
  public boolean subscribed() {
    return subscribed;
  }

  /** Returns the next stamp of a local write. */
  public Stamp nextStamp() {
    return new Stamp(hlc.next(), origin);
  }

  /** Returns the message describing the current state of {@code key} after a local write. */
  public SyncMessage describe(Cache cache, byte[] key, Stamp stamp) {
    byte[] value = cache.get(key);
    long expireAt = value == null ? Cache.NO_EXPIRY : cache.expireAt(key);
    return new SyncMessage(value == null, stamp, micros.getAsLong(),
        expireAt < 0 ? Cache.NO_EXPIRY : expireAt, cache.name(), key, value);
  }

  /** Publishes {@code m} through {@code via}; returns the future of the node's reply. */
  public java.util.concurrent.CompletableFuture<byte[]> publish(UpstreamConnection via,
      SyncMessage m) {
    return via.send(Requests.of(ByteBufAllocator.DEFAULT, PUBLISH, CHANNEL, m.encode()));
  }

  /** Applies another agent's change if newer; returns whether it was applied. */
  public boolean apply(SyncMessage m) {
    if (m.stamp().origin() == origin) {
      return false;
    }
    hlc.observe(m.stamp().version());
    Cache cache = caches.get(m.cache());
    if (cache == null) {
      return false;
    }
    boolean applied = versions.applyIfNewer(m.cache(), m.key(), m.stamp(), () -> {
      if (m.delete() || (m.expireAt() != Cache.NO_EXPIRY && m.expireAt() <= clock.millis())) {
        cache.remove(m.key());
      } else {
        cache.put(m.key(), m.value(), m.expireAt());
      }
    });
    if (applied) {
      counters.applied(micros.getAsLong() - m.sentMicros());
    } else {
      counters.ignoredOld();
    }
    return applied;
  }

  @Override
  public void connected(UpstreamConnection c) {
    c.send(Requests.of(ByteBufAllocator.DEFAULT, SUBSCRIBE, CHANNEL));
  }

  @Override
  public void disconnected(UpstreamConnection c) {
    boolean was = subscribed;
    subscribed = false;
    if (!was) {
      return;
    }
    long[] dropped = {0};
    versions.forEachKey((name, key) -> {
      Cache cache = caches.get(name);
      if (cache != null && cache.remove(key)) {
        dropped[0]++;
      }
    });
    LOG.warn("sync subscriber lost node {}: dropped {} synced keys locally", c.address(),
        dropped[0]);
    counters.disconnected(dropped[0]);
  }

  @Override
  public void push(byte[] raw) {
    Object reply = ReplyFramer.parse(raw);
    if (!(reply instanceof List<?> l) || l.size() != 3 || !(l.get(0) instanceof byte[] kind)) {
      return;
    }
    if (java.util.Arrays.equals(kind, SUBSCRIBE_ACK)) {
      subscribed = true;
      LOG.info("sync subscriber on {}", SyncMessage.CHANNEL);
      return;
    }
    if (!java.util.Arrays.equals(kind, MESSAGE) || !(l.get(2) instanceof byte[] payload)) {
      return;
    }
    try {
      apply(SyncMessage.decode(payload));
    } catch (IllegalArgumentException e) {
      counters.malformed();
      LOG.debug("malformed sync message ignored: {}", e.getMessage());
    }
  }

  private static final byte[] SUBSCRIBE_ACK = "subscribe".getBytes(StandardCharsets.US_ASCII);
}
