package io.tiercel.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheDecorator;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Clock;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.persistence.CacheSettings;
import io.tiercel.persistence.LogSync;
import io.tiercel.persistence.Persistence;
import io.tiercel.persistence.PersistenceConfig;
import io.tiercel.server.backing.StoreCaches;
import io.tiercel.server.command.CacheDefinition;
import io.tiercel.server.command.CommandDispatcher;
import io.tiercel.server.command.EvictionInvalidator;
import io.tiercel.server.command.Node;
import io.tiercel.server.command.Session;
import io.tiercel.server.config.ConfigKeys;
import io.tiercel.server.config.Settings;
import io.tiercel.server.http.HttpServerInitializer;
import io.tiercel.server.metrics.NodeMetrics;
import io.tiercel.server.pipeline.BatchClock;
import io.tiercel.server.pipeline.RespServerHandler;
import io.tiercel.server.pipeline.TiercelChannelInitializer;
import io.tiercel.server.transport.EventLoopSlice;
import io.tiercel.server.transport.LeastConnectionsChooser;
import io.tiercel.server.transport.Transports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Tiercel node: caches served over RESP on TCP and, optionally, a UNIX socket, and over HTTP
 * (REST, health, Prometheus metrics), with one acceptor loop and worker loops shared by both
 * protocols that take each new connection by fewest connections.
 */
public final class TiercelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TiercelServer.class);
  private static final long CLEANUP_PERIOD_MS = 100;
  private static final long CLOSE_TIMEOUT_MS = 5_000;

  private final ServerConfig config;
  private final Clock clock;
  private CacheManager caches;
  private Persistence persistence;
  private Node node;
  private LeastConnectionsChooser chooser;
  private EventLoopGroup boss;
  private EventLoopGroup workers;
  private ScheduledExecutorService maintenance;
  private ExecutorService admin;
  private NodeMetrics metrics;
  private Channel tcpChannel;
  private Channel unixChannel;
  private Channel httpChannel;
  private int port;
  private int httpPort = -1;
  private boolean closed;
  private boolean daemonThreads;
  private LogSync logSync = LogSync.FORCE;

  /**
   * Creates a node on the system clock, read once per read batch on the event loops
   * ({@link BatchClock}); {@link #start()} makes it listen.
   */
  public TiercelServer(ServerConfig config) {
    this(config, new BatchClock(Clock.system()));
  }

  /** Creates a node whose expiry reads {@code clock}. */
  public TiercelServer(ServerConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /**
   * Makes every thread of this node a daemon thread, so a node embedded in an application does
   * not keep its JVM alive; call before {@link #start()}.
   */
  public synchronized TiercelServer daemonThreads() {
    daemonThreads = true;
    return this;
  }

  /**
   * Forces the append-only logs through {@code sync} (a test's stallable fsync); call before
   * {@link #start()}.
   */
  synchronized TiercelServer logSync(LogSync sync) {
    logSync = sync;
    return this;
  }

  /** Binds the listeners and starts maintenance; returns once connections are accepted. */
  public synchronized TiercelServer start() throws InterruptedException {
    persistence = config.persistenceEnabled()
        ? new Persistence(persistenceConfig(), clock, logSync) : null;
    // Read-triggered drains run on the event loop that filled the ring: handing them to a pool
    // costs a thread wake-up and a context switch per drain, which on a 2-core machine shared with
    // the clients cost more CPU than the drain itself (measured in docs/benchmarks.md).
    // Evictions and expirations reach tracking clients (agents' near caches) through this.
    EvictionInvalidator evictions = new EvictionInvalidator();
    caches = new CacheManager(config.defaultCacheConfig(), clock, evictions,
        Runnable::run, persistence == null ? CacheDecorator.NONE : persistence);
    List<CacheDefinition> defined = new ArrayList<>();
    Map<String, CacheSettings> configured = new HashMap<>();
    for (String line : config.caches()) {
      CacheDefinition d = CacheDefinition.parse(line);
      defined.add(d);
      CacheSettings s = d.settings(persistence);
      if (s != null) {
        configured.put(d.name(), s);
      }
    }
    if (persistence != null) {
      try {
        // The config file's persistence settings win over those recorded for the cache.
        persistence.recover(caches, configured);
      } catch (IOException e) {
        persistence.close();
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    for (CacheDefinition d : defined) {
      Cache recovered = caches.get(d.name());
      if (recovered != null) {
        if (!d.backed() && recovered.config().equals(d.cacheConfig(caches.defaults()))) {
          LOG.info("cache '{}': recovered from disk as the config file defines it", d.name());
          continue;
        }
        // A backed cache's data lives in its database (and its own write journal), not in the
        // node's snapshots; a plain one whose policy, maxmemory or ttl changed is made anew.
        LOG.warn("cache '{}': the config file defines it {}; dropping the copy recovered from "
            + "disk", d.name(), d.backed() ? "with a backing store" : "with other settings");
        caches.drop(d.name());
      }
      d.create(persistence, caches, config.dir());
    }
    node = new Node(config, caches, clock);
    evictions.attach(node);
    node.persistence(persistence);
    Settings settings = config.settings();
    settings.onChange(ConfigKeys.MAXMEMORY, v -> caches.defaultCache().setMaxMemory(v));
    settings.onChange(ConfigKeys.POLICY, v -> caches.defaultCache().setPolicy(v));
    metrics = new NodeMetrics(node, HttpServerInitializer.routeNames());
    node.observe(metrics.commands());
    admin = Executors.newSingleThreadExecutor(new DefaultThreadFactory("tiercel-admin", true));
    CommandDispatcher dispatcher = new CommandDispatcher(node);
    chooser = new LeastConnectionsChooser();
    boss = new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory("tiercel-accept", daemonThreads),
        Transports.ioHandlerFactory());
    workers = new MultiThreadIoEventLoopGroup(config.ioThreads(),
        new ThreadPerTaskExecutor(EventLoopSlice.threads(
            new DefaultThreadFactory("tiercel-io", daemonThreads), config.ioThreadSliceMicros(),
            node::ioThreadSlice)), chooser,
        Transports.ioHandlerFactory(config.ioSpinMicros()));
    TiercelChannelInitializer initializer = new TiercelChannelInitializer(dispatcher, chooser);
    try {
      ServerBootstrap tcp = bootstrap(initializer).channel(Transports.serverSocketChannel())
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.SO_KEEPALIVE, true);
      tcpChannel = tcp.bind(config.bind(), config.port()).sync().channel();
      port = ((InetSocketAddress) tcpChannel.localAddress()).getPort();
      if (config.unixSocket() != null) {
        unixChannel = bindUnix(bootstrap(initializer), config.unixSocket());
      }
      if (config.httpPort() >= 0) {
        ServerBootstrap http = Transports.clientChannels(new ServerBootstrap().group(boss, workers))
            .option(ChannelOption.SO_BACKLOG, 511)
            .channel(Transports.serverSocketChannel())
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new HttpServerInitializer(config, node, metrics, admin, chooser));
        httpChannel = http.bind(config.bind(), config.httpPort()).sync().channel();
        httpPort = ((InetSocketAddress) httpChannel.localAddress()).getPort();
      }
    } catch (RuntimeException | InterruptedException e) {
      close();
      throw e;
    }
    node.listening(Transports.name(), port);
    settings.effective(ConfigKeys.PORT, Integer.toString(port));
    settings.effective(ConfigKeys.HTTP_PORT, Integer.toString(httpPort));
    maintenance = Executors.newSingleThreadScheduledExecutor(
        new DefaultThreadFactory("tiercel-maintenance", true));
    maintenance.scheduleAtFixedRate(this::maintain, CLEANUP_PERIOD_MS, CLEANUP_PERIOD_MS,
        TimeUnit.MILLISECONDS);
    LOG.info("listening: resp {}:{}{}, http {}, transport {}, {} workers", config.bind(), port,
        unixChannel == null ? "" : " and " + config.unixSocket(),
        httpPort < 0 ? "off" : config.bind() + ":" + httpPort, Transports.name(),
        config.ioThreads());
    if (config.coordinator() != null) {
      // Accepted so configurations written for a cluster start; not silently: nothing joins yet.
      LOG.warn("--coordinator {}: this build has no cluster mode yet; serving as a cluster of "
          + "one (every slot)", config.coordinator());
    }
    return this;
  }

  /** Returns the persistence settings the flags ask for. */
  private PersistenceConfig persistenceConfig() {
    return new PersistenceConfig(config.dir(), config.appendOnly(),
        FsyncPolicy.parse(config.appendFsync()), config.snapshotInterval(),
        config.aofLoadTruncated(), config.autoAofRewriteMinSize(), config.aofBufferLimit(),
        config.aofBufferWait());
  }

  private ServerBootstrap bootstrap(TiercelChannelInitializer initializer) {
    return Transports.clientChannels(new ServerBootstrap().group(boss, workers))
        .option(ChannelOption.SO_BACKLOG, 511)
        .childHandler(initializer);
  }

  /** Binds the UNIX socket, replacing a stale socket file, and restricts its permissions. */
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
      Files.setPosixFilePermissions(path, permissions(config.unixSocketPerm()));
    } catch (IOException | UnsupportedOperationException e) {
      ch.close();
      throw new IllegalStateException("unixsocket: cannot set permissions of " + path, e);
    }
    return ch;
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    return perms;
  }

  /** Runs active expiry and closes clients idle past {@code timeout}. */
  private void maintain() {
    try {
      node.cleanUp();
      long timeout = node.timeoutMillis();
      if (timeout > 0) {
        long now = clock.millis();
        for (Session s : node.sessions()) {
          if (!s.subscribed() && now - s.lastInteractionMillis() > timeout) {
            s.channel().close();
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("maintenance failed", e);
    }
  }

  /** Returns the TCP port listened on. */
  public int port() {
    return port;
  }

  /** Returns the HTTP port listened on, or -1 when HTTP is off. */
  public int httpPort() {
    return httpPort;
  }

  /** Returns the node's meters. */
  public NodeMetrics metrics() {
    return metrics;
  }

  /** Returns the UNIX socket path, or null. */
  public Path unixSocket() {
    return unixChannel == null ? null : config.unixSocket();
  }

  /** Returns the node's shared state. */
  public Node node() {
    return node;
  }

  /** Returns the node's persistence, or null when it keeps nothing on disk. */
  public Persistence persistence() {
    return persistence;
  }

  /** Returns the caches this node serves. */
  public CacheManager caches() {
    return caches;
  }

  /** Returns the connections counted on each worker loop. */
  public int[] connectionsPerWorker() {
    return chooser.connectionsPerWorker();
  }

  /** Returns the line printed on stdout once the node accepts connections. */
  public String readyLine() {
    return "ready port=" + port + " http=" + httpPort + " unixsocket="
        + (unixSocket() == null ? "" : unixSocket().toString());
  }

  /**
   * Stops accepting, writes every reply already produced, closes the connections and stops the
   * loops; idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ChannelFuture> closing = new ArrayList<>();
    for (Channel listener : new Channel[] {tcpChannel, unixChannel, httpChannel}) {
      if (listener != null) {
        closing.add(listener.close());
      }
    }
    awaitAll(closing);
    closing.clear();
    if (workers != null) {
      // Connections accepted before the listeners closed get their sessions first.
      Transports.runQueuedTasks(workers, CLOSE_TIMEOUT_MS);
    }
    if (node != null) {
      for (Session s : node.sessions()) {
        Channel ch = s.channel();
        // Runs after any batch in progress on the connection's loop, so its replies go first;
        // replies still waiting for an fsync or an off-loop command are sent before the close.
        RespServerHandler handler = ch.pipeline().get(RespServerHandler.class);
        ch.eventLoop().execute(handler != null ? handler::closeAfterReplies
            : () -> ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
        closing.add(ch.closeFuture());
      }
    }
    awaitAll(closing);
    if (maintenance != null) {
      maintenance.shutdownNow();
    }
    if (caches != null) {
      StoreCaches.closeAll(caches);
    }
    if (admin != null) {
      admin.shutdown();
    }
    for (EventLoopGroup group : new EventLoopGroup[] {boss, workers}) {
      if (group != null) {
        group.shutdownGracefully(0, CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .awaitUninterruptibly(CLOSE_TIMEOUT_MS * 2);
      }
    }
    if (persistence != null) {
      persistence.close();
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

  private static void awaitAll(List<ChannelFuture> futures) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_TIMEOUT_MS);
    for (ChannelFuture f : futures) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !f.awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left))) {
        return;
      }
    }
  }
}
