package io.tiercel.server.command;

import io.netty.buffer.ByteBuf;
import io.tiercel.core.ByteKey;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Clock;
import io.tiercel.persistence.CommitGate;
import io.tiercel.persistence.Persistence;
import io.tiercel.protocol.resp.RespLimits;
import io.tiercel.protocol.resp.RespWriter;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.config.ConfigKey;
import io.tiercel.server.config.ConfigKeys;
import io.tiercel.server.config.Settings;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The state one node shares among its connections: caches, run-time settings, clients, counters
 * and pub/sub subscriptions.
 */
public final class Node {
  final ServerConfig config;
  final CacheManager caches;
  final Clock clock;
  final long startMillis;
  final String runId;
  /** The id of the shard this node serves, as CLUSTER MYSHARDID and SHARDS show it. */
  final String shardId;
  final Map<Long, Session> clients = new ConcurrentHashMap<>();
  final AtomicLong nextClientId = new AtomicLong();
  final LongAdder commandsProcessed = new LongAdder();
  final LongAdder connectionsReceived = new LongAdder();
  final LongAdder rejectedConnections = new LongAdder();
  final Map<ByteKey, Set<Session>> channels = new ConcurrentHashMap<>();
  final Map<ByteKey, Set<Session>> patterns = new ConcurrentHashMap<>();
  final Tracking tracking = new Tracking(clients);
  /** The agents' sequenced SYNC channel. */
  final SyncHub syncHub;
  /** Closes clients that do not read their pushes (client-output-buffer-limit pubsub). */
  final PushBufferLimit pushLimit;
  volatile String requirePass;
  volatile int maxClients;
  volatile Duration timeout;
  volatile RespLimits limits;
  volatile int tcpPort;
  volatile String transport = "nio";
  volatile int ioThreadSliceMicros;
  volatile Persistence persistence;
  volatile CommandObserver observer = CommandObserver.NONE;
  /** Whether {@link #observer} reads commands' times ({@link CommandObserver#timed}). */
  volatile boolean observerTimed;
  /** INFO sections added by the embedding process (the agent's {@code # Agent}), by name. */
  final Map<String, Supplier<String>> infoSections = new ConcurrentSkipListMap<>();

  /** Creates the state of a node with {@code config}, serving {@code caches}. */
  public Node(ServerConfig config, CacheManager caches, Clock clock) {
    this.config = config;
    this.caches = caches;
    this.clock = clock;
    this.startMillis = clock.millis();
    byte[] id = new byte[20];
    ThreadLocalRandom.current().nextBytes(id);
    this.runId = HexFormat.of().formatHex(id);
    ThreadLocalRandom.current().nextBytes(id);
    this.shardId = HexFormat.of().formatHex(id);
    this.requirePass = config.requirePass();
    this.maxClients = config.maxClients();
    this.timeout = config.timeout();
    this.limits = config.respLimits();
    Settings settings = config.settings();
    this.pushLimit = new PushBufferLimit(config.get(ConfigKeys.CLIENT_OUTPUT_BUFFER_LIMIT), clock);
    settings.onChange(ConfigKeys.CLIENT_OUTPUT_BUFFER_LIMIT, pushLimit::limits);
    this.syncHub = new SyncHub(config.get(ConfigKeys.SYNCHUB_BACKLOG_SIZE),
        new DebugAccess(config.get(ConfigKeys.ENABLE_DEBUG_COMMAND)), pushLimit);
    settings.onChange(ConfigKeys.SYNCHUB_BACKLOG_SIZE, syncHub::backlogLimit);
    settings.onChange(ConfigKeys.REQUIREPASS, v -> requirePass = v.isEmpty() ? null : v);
    settings.onChange(ConfigKeys.MAXCLIENTS, v -> maxClients = v);
    settings.onChange(ConfigKeys.TIMEOUT, v -> timeout = v);
    for (ConfigKey<?> k : List.of(ConfigKeys.PROTO_MAX_BULK_LEN, ConfigKeys.MAX_MULTIBULK_LEN,
        ConfigKeys.MAX_INLINE_LEN, ConfigKeys.CLIENT_QUERY_BUFFER_LIMIT)) {
      settings.onChange(k, v -> limits = config.respLimits());
    }
  }

  /**
   * Adds a section to INFO, shown by {@code INFO}, {@code INFO all|everything|default} and
   * {@code INFO name}; {@code text} gives its lines, header included, each ending in CRLF.
   */
  public void addInfoSection(String name, Supplier<String> text) {
    infoSections.put(name.toLowerCase(Locale.ROOT), text);
  }

  /** Makes {@code observer} see every command run from now on. */
  public void observe(CommandObserver observer) {
    this.observerTimed = observer != CommandObserver.NONE && observer.timed();
    this.observer = observer;
  }

  /** Returns the node's settings. */
  public ServerConfig config() {
    return config;
  }

  /** Returns the node's random run id, as INFO and CLUSTER MYID show it. */
  public String runId() {
    return runId;
  }

  /** Returns the password clients must give, or null. */
  public String requirePass() {
    return requirePass;
  }

  /** Returns the connections accepted since start (or CONFIG RESETSTAT). */
  public long connectionsReceived() {
    return connectionsReceived.sum();
  }

  /** Returns the connections refused because maxclients were connected. */
  public long rejectedConnections() {
    return rejectedConnections.sum();
  }

  /** Returns the clients closed for not reading their pushes (client-output-buffer-limit). */
  public long outputLimitDisconnections() {
    return pushLimit.disconnections();
  }

  /** Returns the commands run since start (or CONFIG RESETSTAT). */
  public long commandsProcessed() {
    return commandsProcessed.sum();
  }

  /** Returns the caches. */
  public CacheManager caches() {
    return caches;
  }

  /** Returns the clock expiry is measured with. */
  public Clock clock() {
    return clock;
  }

  /** Sets the node's persistence; null when it keeps nothing on disk. */
  public void persistence(Persistence persistence) {
    this.persistence = persistence;
  }

  /** Returns the gate replies wait at for their writes to be durable. */
  public CommitGate commitGate() {
    Persistence p = persistence;
    return p == null ? CommitGate.NONE : p.commitGate();
  }

  /** Returns the limits new connections' decoders get. */
  public RespLimits limits() {
    return limits;
  }

  /** Returns the idle time after which clients are closed, in ms; 0 for never. */
  public long timeoutMillis() {
    return timeout.toMillis();
  }

  /** Returns whether clients must authenticate. */
  public boolean authRequired() {
    return requirePass != null;
  }

  /** Records the transport and TCP port once listening, for INFO. */
  public void listening(String transport, int tcpPort) {
    this.transport = transport;
    this.tcpPort = tcpPort;
  }

  /** Records the scheduler slice a worker loop got (0: the kernel's own), for INFO. */
  public void ioThreadSlice(int micros) {
    this.ioThreadSliceMicros = micros;
  }

  /**
   * Registers a new connection; returns its session, or null if {@code maxclients} are already
   * connected (the caller rejects it).
   */
  public Session open(io.netty.channel.Channel channel, Reply reply) {
    connectionsReceived.increment();
    if (clients.size() >= maxClients) {
      rejectedConnections.increment();
      return null;
    }
    long id = nextClientId.incrementAndGet();
    Session s = new Session(id, channel, reply, caches.defaultCache(), !authRequired(),
        clock.millis(), pushLimit);
    clients.put(id, s);
    return s;
  }

  /** Forgets a closed connection and its subscriptions. */
  public void close(Session s) {
    clients.remove(s.id);
    tracking.disable(s);
    syncHub.unsubscribe(s);
    for (ByteKey ch : s.channels) {
      removeSubscriber(channels, ch, s);
    }
    for (ByteKey p : s.patterns) {
      removeSubscriber(patterns, p, s);
    }
    s.channels.clear();
    s.patterns.clear();
  }

  /** Returns the connected clients. */
  public Collection<Session> sessions() {
    return clients.values();
  }

  /** Returns the number of connected clients. */
  public int connectedClients() {
    return clients.size();
  }

  /** Runs active expiry and pending maintenance of every cache. */
  public void cleanUp() {
    caches.cleanUp();
  }

  /* --------------- Selected caches --------------- */

  /*
   * A session holds its selected cache ({@link Session#cache}); commands read that one volatile
   * field and nothing else, so the hot path never looks a name up. When a cache is dropped, every
   * session holding it gets an {@link UnusableCache} in its place, whose operations all fail with
   * "ERR cache 'b' was dropped; SELECT another cache": such a session writes neither into the
   * dropped cache nor silently into another. A session is bound to a cache by name: when a cache
   * of that name is created again, the sessions holding its stand-in get the new cache.
   *
   * Races. DROP and CREATE change the manager and then walk the sessions, replacing a session's
   * cache only by compare-and-set against what they saw, so a SELECT the session made meanwhile
   * (on its own loop) is never overwritten. They run one at a time (catalogLock) and bump
   * catalogChanges between changing the manager and walking. A SELECT reads the counter, looks
   * the name up, stores the cache, and reads the counter again; if it moved, it starts over. If it
   * did not, every DROP or CREATE either changed the manager before the lookup (which saw it) or
   * bumps the counter after the second read, so its walk comes after the store and sees it. A
   * command that read the session's cache just before a DROP may still finish in the dropped
   * cache: it ran concurrently with the DROP and is ordered before it (the drop then removed
   * its write, as it removes everything), never after.
   */

  /** Serializes cache drops and the rebinding walks of cache creations. */
  private final Object catalogLock = new Object();
  /** Bumped by every drop and creation between its change of the manager and its walk. */
  private final AtomicLong catalogChanges = new AtomicLong();

  /** Returns the cache of {@code s}: an {@link UnusableCache} if it was dropped. */
  Cache cacheOf(Session s) {
    return s.cache;
  }

  /**
   * Makes {@code s} use cache {@code name}; returns false, changing nothing, if there is no such
   * cache, unless {@code strict}: then {@code s} is left with no usable cache (and reaches the
   * cache if one of that name is created later), so that commands pipelined behind a failed
   * switch fail instead of running in the previous cache.
   */
  boolean select(Session s, String name, boolean strict) {
    Cache earlier = null;
    for (;;) {
      long before = catalogChanges.get();
      Cache c = caches.get(name);
      Cache next;
      if (c != null) {
        next = c;
      } else if (earlier != null) {
        // An earlier round stored the cache and a drop raced it: selected, then dropped.
        next = UnusableCache.dropped(name);
      } else if (strict) {
        next = UnusableCache.missing(name);
      } else {
        return false;
      }
      s.cache = next;
      if (catalogChanges.get() == before) {
        return c != null || earlier != null;
      }
      if (c != null) {
        earlier = c;
      }
    }
  }

  /** Makes {@code s} use the default cache, which cannot be dropped. */
  void selectDefault(Session s) {
    s.cache = caches.defaultCache();
  }

  /**
   * Drops cache {@code name} and leaves every session that selected it with no usable cache;
   * returns the dropped cache, or null if there was none.
   */
  Cache dropCache(String name) {
    synchronized (catalogLock) {
      Cache dropped = caches.get(name);
      if (dropped == null || !caches.drop(name)) {
        return null;
      }
      catalogChanges.incrementAndGet();
      UnusableCache standIn = UnusableCache.dropped(name);
      for (Session c : clients.values()) {
        c.replaceCache(dropped, standIn);
      }
      return dropped;
    }
  }

  /**
   * Gives cache {@code name}, just created, to every session bound to that name without a usable
   * cache (it was dropped, or a strict switch found it missing).
   */
  public void cacheCreated(String name) {
    synchronized (catalogLock) {
      Cache created = caches.get(name);
      if (created == null) {
        return;
      }
      catalogChanges.incrementAndGet();
      for (Session c : clients.values()) {
        if (c.cache instanceof UnusableCache u && u.name().equals(name)) {
          c.replaceCache(u, created);
        }
      }
    }
  }

  static void removeSubscriber(Map<ByteKey, Set<Session>> map, ByteKey key, Session s) {
    map.computeIfPresent(key, (k, set) -> {
      set.remove(s);
      return set.isEmpty() ? null : set;
    });
  }

  /** Sends {@code message} on {@code channel} to every subscriber; returns how many got it. */
  int publish(Session from, byte[] channel, byte[] message) {
    int receivers = 0;
    Set<Session> direct = channels.get(new ByteKey(channel));
    if (direct != null) {
      for (Session s : direct) {
        deliver(from, s, null, channel, message);
        receivers++;
      }
    }
    for (Map.Entry<ByteKey, Set<Session>> e : patterns.entrySet()) {
      if (Glob.matches(e.getKey().bytes(), channel)) {
        for (Session s : e.getValue()) {
          deliver(from, s, e.getKey().bytes(), channel, message);
          receivers++;
        }
      }
    }
    return receivers;
  }

  /**
   * Writes one message to a subscriber: into the current batch if it is the publisher itself (so
   * it precedes the PUBLISH reply, as in Redis), else as its own write on the subscriber's channel,
   * which then owns the buffer; the subscriber is flushed once per turn, not once per message.
   */
  private static void deliver(Session from, Session to, byte[] pattern, byte[] channel,
      byte[] message) {
    if (to == from) {
      writeMessage(to.reply.out(), to.resp3, pattern, channel, message);
      return;
    }
    ByteBuf buf = to.channel.alloc().ioBuffer(32 + channel.length + message.length
        + (pattern == null ? 0 : pattern.length + 16));
    writeMessage(buf, to.resp3, pattern, channel, message);
    to.pushes.write(buf);
  }

  private static void writeMessage(ByteBuf out, boolean resp3, byte[] pattern, byte[] channel,
      byte[] message) {
    if (pattern == null) {
      RespWriter.pushHeader(out, resp3, 3);
      RespWriter.bulk(out, "message");
    } else {
      RespWriter.pushHeader(out, resp3, 4);
      RespWriter.bulk(out, "pmessage");
      RespWriter.bulk(out, pattern);
    }
    RespWriter.bulk(out, channel);
    RespWriter.bulk(out, message);
  }
}
