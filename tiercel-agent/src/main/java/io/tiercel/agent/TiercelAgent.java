package io.tiercel.agent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.tiercel.agent.near.InvalidationChannel;
import io.tiercel.agent.near.NearCache;
import io.tiercel.agent.sync.Synchronizer;
import io.tiercel.agent.sync.VersionTable;
import io.tiercel.agent.upstream.Backoff;
import io.tiercel.agent.upstream.UpstreamConnection;
import io.tiercel.core.CacheDecorator;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Clock;
import io.tiercel.core.RemovalListener;
import io.tiercel.server.command.Command;
import io.tiercel.server.command.CommandDispatcher;
import io.tiercel.server.command.CommandObserver;
import io.tiercel.server.command.Node;
import io.tiercel.server.command.Session;
import io.tiercel.server.config.ConfigKeys;
import io.tiercel.server.http.HttpServerInitializer;
import io.tiercel.server.metrics.NodeMetrics;
import io.tiercel.server.pipeline.BatchClock;
import io.tiercel.server.transport.EventLoopSlice;
import io.tiercel.server.transport.LeastConnectionsChooser;
import io.tiercel.server.transport.Transports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Tiercel agent: the local tier on an application host. It serves RESP on a UNIX socket (and
 * optionally TCP) from its own store, running the node's command implementations on it, and
 * talks to a node over pinned, pipelined connections (one per worker loop), one subscriber
 * connection to the node's sequenced SYNC channel ({@code SYNCHUB}), and, with a near cache, one
 * subscriber connection for the node's invalidations.
 */
public final class TiercelAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TiercelAgent.class);
  private static final long CLEANUP_PERIOD_MS = 100;
  private static final int VERSION_CAPACITY = 1_000_000;
  /** The longest {@link #start} waits for the first connections to the node (2 s connect timeout). */
  private static final long FIRST_CONNECT_WAIT_MS = 2_500;

  private final AgentConfig config;
  private final Clock clock;
  private final AgentStats stats = new AgentStats();
  private final String agentId;
  private CacheManager caches;
  private Node node;
  private CommandDispatcher dispatcher;
  private Synchronizer synchronizer;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private final Map<EventLoop, UpstreamConnection> upstreams = new HashMap<>();
  private final List<UpstreamConnection> connections = new ArrayList<>();
  private UpstreamConnection subscriber;
  private NearCache near;
  private Channel unixChannel;
  private Channel tcpChannel;
  private Channel httpChannel;
  private NodeMetrics metrics;
  private ExecutorService admin;
  private int port = -1;
  private int httpPort = -1;
  private boolean closed;

  /**
   * Creates an agent on the system clock, read once per batch of commands on an event loop as on
   * a node ({@link BatchClock}); {@link #start()} makes it listen.
   */
  public TiercelAgent(AgentConfig config) {
    this(config, new BatchClock(Clock.system()));
  }

  /** Creates an agent whose expiry and versions read {@code clock}. */
  public TiercelAgent(AgentConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    long id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    this.agentId = Long.toHexString(id);
    this.origin = id;
  }

  private final long origin;

  /**
   * Starts the upstream connections, waits for their first connect attempts (briefly) and binds
   * the listeners; returns once serving.
   */
  public synchronized TiercelAgent start() throws InterruptedException {
    var store = config.store();
    caches = new CacheManager(store.defaultCacheConfig(), clock, RemovalListener.none(),
        Runnable::run, CacheDecorator.NONE);
    node = new Node(store, caches, clock);
    // INFO, INFO all/everything and INFO agent show the agent's section after the node's.
    node.addInfoSection("agent", this::info);
    store.settings().onChange(ConfigKeys.MAXMEMORY, v -> caches.defaultCache().setMaxMemory(v));
    store.settings().onChange(ConfigKeys.POLICY, v -> caches.defaultCache().setPolicy(v));
    if (config.httpPort() >= 0) {
      metrics = new NodeMetrics(node, HttpServerInitializer.routeNames());
      CommandObserver commands = metrics.commands();
      node.observe((command, result, nanos) -> {
        observe(command, result, nanos);
        commands.completed(command, result, nanos);
      });
    } else {
      // Only GET's hits and misses are counted: no clock reads for times nothing reads.
      node.observe(CommandObserver.untimed(this::observe));
    }
    dispatcher = new CommandDispatcher(node);
    synchronizer = new Synchronizer(caches, clock, TiercelAgent::epochMicros, origin,
        new VersionTable(VERSION_CAPACITY), new SyncCounters());
    boss = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("tiercel-agent-accept"), Transports.ioHandlerFactory());
    workers = new MultiThreadIoEventLoopGroup(store.ioThreads(),
        EventLoopSlice.threads(new DefaultThreadFactory("tiercel-agent-io"),
            store.ioThreadSliceMicros(), node::ioThreadSlice),
        Transports.ioHandlerFactory(store.ioSpinMicros()));
    near = new NearCache(config.nearCaches(), config.nearCacheTtl().toMillis(),
        config.nearCacheSize(), clock);
    InetSocketAddress nodeAddress = config.nodes().get(0);
    List<UpstreamConnection> requestConnections = new ArrayList<>();
    for (EventExecutor e : workers) {
      EventLoop loop = (EventLoop) e;
      UpstreamConnection c = new UpstreamConnection(nodeAddress, loop,
          new RequestConnectionListener(), false, new Backoff(50, 1_000), config.nodesPassword());
      upstreams.put(loop, c);
      requestConnections.add(c);
    }
    connections.addAll(requestConnections);
    near.requestConnections(() -> requestConnections);
    EventLoop syncLoop = workers.next();
    synchronizer.runOn(syncLoop);
    subscriber = new UpstreamConnection(nodeAddress, syncLoop, synchronizer, true,
        new Backoff(50, 1_000), config.nodesPassword());
    connections.add(subscriber);
    if (near.enabled()) {
      connections.add(new UpstreamConnection(nodeAddress, workers.next(),
          new InvalidationChannel(near), true, new Backoff(50, 1_000),
          config.nodesPassword()));
    }
    connections.forEach(UpstreamConnection::start);
    long checkMillis = config.syncCheckInterval().toMillis();
    if (checkMillis > 0) {
      syncLoop.scheduleAtFixedRate(synchronizer::check, checkMillis, checkMillis,
          TimeUnit.MILLISECONDS);
    }
    ChannelInitializer<Channel> init = new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast("agent", new AgentHandler(TiercelAgent.this));
      }
    };
    try {
      awaitFirstAttempts(requestConnections);
      unixChannel = bindUnix(
          Transports.clientChannels(new ServerBootstrap().group(boss, workers)).childHandler(init),
          config.unixSocket());
      if (config.port() >= 0) {
        tcpChannel = Transports.clientChannels(new ServerBootstrap().group(boss, workers))
            .channel(Transports.serverSocketChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(init)
            .bind(store.bind(), config.port()).sync().channel();
        port = ((InetSocketAddress) tcpChannel.localAddress()).getPort();
      }
      if (metrics != null) {
        AgentMeters.bind(metrics.registry(), stats, synchronizer, near);
        admin = Executors.newSingleThreadExecutor(
            new DefaultThreadFactory("tiercel-agent-admin", true));
        httpChannel = Transports.clientChannels(new ServerBootstrap().group(boss, workers))
            .channel(Transports.serverSocketChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new HttpServerInitializer(store, node, metrics, admin,
                new LeastConnectionsChooser()))
            .bind(store.bind(), config.httpPort()).sync().channel();
        httpPort = ((InetSocketAddress) httpChannel.localAddress()).getPort();
      }
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    node.listening(Transports.name(), Math.max(port, 0));
    workers.scheduleAtFixedRate(this::maintain, CLEANUP_PERIOD_MS, CLEANUP_PERIOD_MS,
        TimeUnit.MILLISECONDS);
    LOG.info("agent {} serving {}{}, node {}, transport {}", agentId, config.unixSocket(),
        port < 0 ? "" : " and tcp " + port, nodesText(), Transports.name());
    return this;
  }

  private Channel bindUnix(ServerBootstrap bootstrap, Path path) throws InterruptedException {
    try {
      if (Files.exists(path) && !Files.isDirectory(path)) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("unixsocket: cannot remove stale " + path, e);
    }
    Channel ch = bootstrap.channel(Transports.serverDomainSocketChannel())
        .bind(Transports.domainSocketAddress(path)).sync().channel();
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException | UnsupportedOperationException e) {
      ch.close();
      throw new IllegalStateException("unixsocket: cannot set permissions of " + path, e);
    }
    return ch;
  }

  private void maintain() {
    try {
      node.cleanUp();
    } catch (RuntimeException e) {
      LOG.warn("maintenance failed", e);
    }
  }

  private void observe(Command command, int result, long nanos) {
    if (command == Command.GET) {
      (result == CommandObserver.MISS ? stats.localMisses : stats.localHits).increment();
    }
  }

  private static long epochMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  /** Counts synchronizer events into the stats. */
  private final class SyncCounters implements Synchronizer.Counters {
    @Override
    public void applied(long lagMicros) {
      stats.syncApplied.increment();
      stats.recordLag(lagMicros);
    }

    @Override
    public void ignoredOld() {
      stats.syncIgnoredOld.increment();
    }

    @Override
    public void malformed() {
      stats.syncMalformed.increment();
    }

    @Override
    public void unknownCache() {
      stats.syncUnknownCache.increment();
    }

    @Override
    public void quarantined(long keys) {
      stats.syncQuarantined.add(keys);
    }

    @Override
    public void missed(long missed) {
      stats.syncGaps.increment();
      stats.syncMissed.add(missed);
    }

    @Override
    public void repaired(long messages) {
      stats.syncRepaired.add(messages);
    }

    @Override
    public void repairEnded(long restored, long dropped) {
      stats.syncRestored.add(restored);
      stats.syncDropped.add(dropped);
    }
  }

  /** Counts lost request connections and keeps their near-cache tracking registered. */
  private final class RequestConnectionListener implements UpstreamConnection.Listener {
    @Override
    public void connected(UpstreamConnection c) {
      synchronizer.identify(c);
      near.requestConnected(c);
    }

    @Override
    public void disconnected(UpstreamConnection c) {
      stats.upstreamDisconnects.increment();
      near.requestDisconnected(c);
    }

    @Override
    public void push(byte[] frame, int length) {}
  }

  /**
   * Waits until every request connection's first connect attempt has ended (connected or failed;
   * at most {@link #FIRST_CONNECT_WAIT_MS}), so that a GGET sent as soon as the agent serves
   * reaches a running node instead of failing as unreachable while the connection is still being
   * made. A refused connect ends the wait at once; an unanswered one ends it at the connect
   * timeout; either way the agent then serves (local commands work without the node).
   */
  private void awaitFirstAttempts(List<UpstreamConnection> connections)
      throws InterruptedException {
    CompletableFuture<?>[] attempts = connections.stream()
        .map(UpstreamConnection::firstAttempt).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(attempts).get(FIRST_CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("serving before every connection to node {} is up", nodesText());
    }
  }

  /** Returns the upstream connection pinned to {@code loop}. */
  UpstreamConnection upstreamFor(EventLoop loop) {
    UpstreamConnection c = upstreams.get(loop);
    return c != null ? c : connections.get(0);
  }

  Node node() {
    return node;
  }

  CommandDispatcher dispatcher() {
    return dispatcher;
  }

  /** Returns the SYNC machinery. */
  public Synchronizer synchronizer() {
    return synchronizer;
  }

  /** Returns the near cache of GGET. */
  public NearCache nearCache() {
    return near;
  }

  /** Returns the agent's counters. */
  public AgentStats stats() {
    return stats;
  }

  /** Returns the caches of the local store. */
  public CacheManager caches() {
    return caches;
  }

  String nodesText() {
    return config.nodes().stream().map(a -> a.getHostString() + ":" + a.getPort())
        .collect(Collectors.joining(","));
  }

  /** Returns the text of {@code INFO agent}. */
  String info() {
    StringBuilder sb = new StringBuilder(768);
    stats.info(sb, agentId, nodesText(), synchronizer);
    near.info(sb);
    return sb.toString();
  }

  /** Returns the HTTP port, or -1 when HTTP is off. */
  public int httpPort() {
    return httpPort;
  }

  /** Returns the TCP port, or -1 when TCP is off. */
  public int port() {
    return port;
  }

  /** Returns the line printed on stdout once the agent accepts connections. */
  public String readyLine() {
    return "ready unixsocket=" + config.unixSocket() + (port < 0 ? "" : " port=" + port)
        + (httpPort < 0 ? "" : " http=" + httpPort);
  }

  /** Stops accepting, finishes written replies, closes connections and loops; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ChannelFuture> closing = new ArrayList<>();
    for (Channel listener : new Channel[] {unixChannel, tcpChannel, httpChannel}) {
      if (listener != null) {
        closing.add(listener.close());
      }
    }
    closing.forEach(f -> f.awaitUninterruptibly(5_000));
    if (workers != null) {
      // Connections accepted before the listeners closed get their sessions first.
      Transports.runQueuedTasks(workers, 5_000);
    }
    if (node != null) {
      for (Session s : node.sessions()) {
        Channel ch = s.channel();
        // After the batch in progress; outstanding GGET/SYNC replies are sent before the close.
        AgentHandler handler = ch.pipeline().get(AgentHandler.class);
        ch.eventLoop().execute(handler != null ? handler::closeAfterReplies
            : () -> ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        ch.closeFuture().awaitUninterruptibly(5_000);
      }
    }
    connections.forEach(UpstreamConnection::close);
    for (EventLoopGroup g : new EventLoopGroup[] {boss, workers}) {
      if (g != null) {
        g.shutdownGracefully(0, 5_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(10_000);
      }
    }
    if (admin != null) {
      admin.shutdownNow();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (unixChannel != null) {
      try {
        Files.deleteIfExists(config.unixSocket());
      } catch (IOException e) {
        LOG.debug("could not remove {}", config.unixSocket(), e);
      }
    }
  }
}
