package io.tiercel.agent.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tiercel.core.CacheManager;
import io.tiercel.protocol.resp.RespProtocolException;
import io.tiercel.server.command.UnusableCache;
import io.tiercel.server.transport.CoalescedFlush;
import io.tiercel.server.transport.Transports;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One multiplexed, pipelined RESP connection from the agent to a node, pinned to one event loop.
 *
 * <p>Requests from any number of clients are written as they come, without waiting for earlier
 * replies, and flushed once per event-loop turn or every {@link #FLUSH_BURST} requests
 * ({@link CoalescedFlush}); the node answers in order, so a FIFO of pending futures matches each
 * reply to its request. The FIFO and the channel are touched only on the pinned loop, so there is no lock and
 * no blocking: a caller on another thread hops onto the loop with {@code execute}. The agent pins
 * one connection to each of its worker loops, so a client's GGET normally never changes thread.
 *
 * <p><b>Named caches.</b> A node runs a connection's commands in the cache it last selected, and
 * one connection carries the commands of sessions that selected different caches. So the
 * connection tracks which cache it has selected, and a request for another cache is preceded,
 * in order on the same pipeline, by a {@code CACHE USE name} whose reply is consumed here. That
 * is the node's strict SELECT: if the cache does not exist, the node leaves the connection with
 * no usable cache, so every request written behind it fails there too (with "ERR cache 'name'
 * does not exist; SELECT another cache") instead of running in the previous cache, as it would
 * behind a failed plain SELECT. A cache this connection has not yet selected successfully is
 * first probed: its requests are held back (not written) until the probe's reply says the cache
 * exists, then written in order; if it does not, they fail with a clear error and nothing is
 * sent. Only the first use of a cache per connection waits a round trip; switching between
 * caches already known is pipelined. Each request remembers the switch it relies on; if that one
 * fails anyway (the cache was dropped on the node meanwhile), the request's reply, the node's
 * error, is replaced by the switch's error, the cache is forgotten, and the next use probes
 * again. A cache dropped while the connection has it selected makes the node answer the requests
 * "ERR cache 'name' was dropped; SELECT another cache": such a reply becomes {@code -ERR
 * upstream: ...} too, and the cache is forgotten and no longer counted as selected. A new
 * connection starts in the node's {@code default} cache, which cannot be dropped, and knows no
 * other.
 *
 * <p><b>Password.</b> With a password, every connection (request or subscriber) first writes
 * {@code AUTH password}, before anything its listener sends; its reply is consumed here. A
 * refusal (or a {@code NOAUTH} reply when the agent has no password) fails every pending request
 * with an {@link UpstreamAuthException}, closes the connection and keeps failing new requests
 * with it while reconnecting with backoff, so a client gets {@code -ERR upstream: ...} at once
 * instead of a hang; the password itself is never logged.
 *
 * <p>When the connection drops, every pending request fails with
 * {@link UpstreamUnavailableException} (the agent answers those clients with an error rather than
 * hang), new requests fail at once, and a reconnect is scheduled with exponential backoff and
 * jitter. In subscriber mode every reply is handed to the {@link Listener} instead.
 *
 * <p>Ownership: a request buffer passed to {@link #send} is owned by this class from then on
 * (written or released); replies are copied out of the cumulation buffer, which this handler owns.
 */
public final class UpstreamConnection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamConnection.class);
  /**
   * Requests written in one turn after which they are flushed without waiting for the turn's end:
   * a read of a hundred SYNC writes then sends its first publishes while the rest still run.
   */
  static final int FLUSH_BURST = 32;
  private static final byte[] CACHE = "CACHE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] USE = "USE".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] AUTH = "AUTH".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NOAUTH = "-NOAUTH".getBytes(StandardCharsets.US_ASCII);

  /** What a subscriber connection reports. */
  public interface Listener {
    /** Called on the loop once the connection is up (again). */
    void connected(UpstreamConnection c);

    /** Called on the loop when an established connection is lost. */
    void disconnected(UpstreamConnection c);

    /**
     * Called on the loop with every reply of a subscriber connection, as the raw RESP bytes
     * {@code frame[0, length)}. The array is the connection's and is reused for the next reply
     * once the call returns: a listener copies what it keeps.
     */
    void push(byte[] frame, int length);
  }

  private final InetSocketAddress address;
  private final String name;
  private final EventLoop loop;
  private final Listener listener;
  private final boolean subscriber;
  private final Backoff backoff;
  /** The node's password, or null for none. */
  private final byte[] password;
  /** Whether the next reply answers the AUTH written at connect; touched only on the loop. */
  private boolean awaitingAuth;
  /** Why the node refused the last connection's password; null once one is accepted. */
  private volatile UpstreamAuthException authFailure;
  /** Requests written and not yet answered, oldest first; touched only on the loop. */
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** The cache the requests written last run in; null while unknown (a probe in flight). */
  private String selected = CacheManager.DEFAULT_CACHE;
  /** The last switch ({@code CACHE USE}) written: the one the next request relies on, or null. */
  private Selection lastSelection;
  /** Caches a switch succeeded for on this connection (and {@code default}). */
  private final Set<String> known = new HashSet<>();
  /** Requests held back by cache until the probe of that cache answers. */
  private final Map<String, ArrayDeque<Held>> probing = new HashMap<>();
  private volatile Channel channel;
  /** Writes requests to {@link #channel}, one flush per loop turn; touched only on the loop. */
  private CoalescedFlush requests;
  private volatile boolean closed;
  /** Completes with whether the first connect attempt succeeded. */
  private final CompletableFuture<Boolean> firstAttempt = new CompletableFuture<>();

  /**
   * Creates a connection to {@code address} on {@code loop} that authenticates with
   * {@code password} (null: none); {@code subscriber} sends every reply to {@code listener}
   * instead of to request futures.
   */
  public UpstreamConnection(InetSocketAddress address, EventLoop loop, Listener listener,
      boolean subscriber, Backoff backoff, String password) {
    this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    this.address = address;
    this.name = address.getHostString() + ":" + address.getPort();
    this.loop = loop;
    this.listener = listener;
    this.subscriber = subscriber;
    this.backoff = backoff;
  }

  /** Returns the node's address as {@code host:port}. */
  public String address() {
    return name;
  }

  /** Returns whether the connection is up. */
  public boolean connected() {
    Channel ch = channel;
    return ch != null && ch.isActive();
  }

  /**
   * Returns a future that completes with whether the first connect attempt succeeded, once it
   * ends (at most the connect timeout after {@link #start}).
   */
  public CompletableFuture<Boolean> firstAttempt() {
    return firstAttempt;
  }

  /** Starts connecting; returns at once. */
  public void start() {
    loop.execute(this::connect);
  }

  private void connect() {
    if (closed) {
      return;
    }
    Bootstrap b = new Bootstrap().group(loop)
        .channel(Transports.isEpoll() ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
        .handler(new Handler());
    ChannelFuture f = b.connect(address);
    f.addListener(done -> {
      if (!done.isSuccess()) {
        LOG.debug("cannot connect to {}: {}", name, done.cause().toString());
        firstAttempt.complete(false);
        scheduleReconnect();
      }
    });
  }

  private void scheduleReconnect() {
    if (!closed) {
      loop.schedule(this::connect, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Sends one encoded request and returns the future of its raw reply, completed on this
   * connection's loop; fails with {@link UpstreamUnavailableException} when the node is down.
   */
  public CompletableFuture<byte[]> send(ByteBuf request) {
    return send(null, request);
  }

  /**
   * Sends one encoded request to run in the node's cache {@code cache} (null: any, for commands
   * that touch no cache) and returns the future of its raw reply, as {@link #send(ByteBuf)}; if
   * the node has no such cache, the reply is an error saying so and the request did not run.
   */
  public CompletableFuture<byte[]> send(String cache, ByteBuf request) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    if (loop.inEventLoop()) {
      send0(cache, request, f);
    } else {
      loop.execute(() -> send0(cache, request, f));
    }
    return f;
  }

  private void send0(String cache, ByteBuf request, CompletableFuture<byte[]> f) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      request.release();
      UpstreamAuthException refused = authFailure;
      f.completeExceptionally(refused != null ? refused
          : new UpstreamUnavailableException(name, "is unreachable"));
      return;
    }
    if (subscriber) {
      f.complete(null);
    } else {
      if (cache != null && !cache.equals(selected)) {
        if (!known.contains(cache)) {
          hold(cache, request, f);
          return;
        }
        writeSelect(cache, false);
      }
      pending.add(new Pending(f, cache, null, cache == null ? null : lastSelection));
    }
    // Requests written in one turn (a read batch of SYNC writes or GGETs) share one flush.
    requests.write(request);
  }

  /** Holds {@code request} until the probe of {@code cache} (sent now if none is) answers. */
  private void hold(String cache, ByteBuf request, CompletableFuture<byte[]> f) {
    ArrayDeque<Held> waiting = probing.get(cache);
    if (waiting == null) {
      waiting = new ArrayDeque<>();
      probing.put(cache, waiting);
      writeSelect(cache, true);
    }
    waiting.add(new Held(request, f));
  }

  /** Writes {@code CACHE USE cache}, whose reply this connection consumes. */
  private void writeSelect(String cache, boolean probe) {
    Selection s = new Selection(cache, probe);
    lastSelection = s;
    // After a probe the selection is unknown until it answers; a known cache exists.
    selected = probe ? null : cache;
    pending.add(new Pending(null, null, s, null));
    requests.write(Requests.of(ByteBufAllocator.DEFAULT, CACHE, USE,
        cache.getBytes(StandardCharsets.UTF_8)));
  }

  /** Handles the reply to a switch ({@code CACHE USE}) this connection inserted. */
  private void selectAnswered(Selection s, byte[] raw) {
    String why = ReplyFramer.errorText(raw);
    boolean failed = why != null;
    if (failed) {
      s.error = ("-ERR upstream: SELECT " + s.cache + " failed on node " + name + ": " + why
          + "\r\n").getBytes(StandardCharsets.UTF_8);
      forget(s.cache);
    } else {
      known.add(s.cache);
      if (lastSelection == s) {
        selected = s.cache;
      }
    }
    if (!s.probe) {
      return;
    }
    ArrayDeque<Held> waiting = probing.remove(s.cache);
    if (waiting == null) {
      return;
    }
    for (Held h : waiting) {
      if (failed) {
        h.request.release();
        h.reply.complete(s.error);
      } else {
        send0(s.cache, h.request, h.reply);
      }
    }
  }

  /**
   * Forgets {@code cache}, which the node says is missing or dropped: the next use probes it,
   * and if the connection had it selected, the node's side now has no usable cache, so the next
   * request of any cache switches first.
   */
  private void forget(String cache) {
    known.remove(cache);
    if (cache.equals(selected)) {
      selected = null;
    }
  }

  /**
   * Returns the reply of a request for {@code cache}: {@code raw}, unless the node answered that
   * the connection's cache is unusable (dropped, or a failed switch); then the agent's own error,
   * and the cache is forgotten.
   */
  private byte[] requestReply(String cache, byte[] raw) {
    if (cache == null || raw.length == 0 || raw[0] != '-') {
      return raw;
    }
    String why = ReplyFramer.errorText(raw);
    if (!UnusableCache.isUnusableCacheError(why)) {
      return raw;
    }
    forget(cache);
    return ("-ERR upstream: cache " + cache + " on node " + name + ": " + why + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static boolean startsWith(byte[] raw, int length, byte[] prefix) {
    return length >= prefix.length
        && Arrays.equals(raw, 0, prefix.length, prefix, 0, prefix.length);
  }

  /** Forgets the selection state: a new connection starts in the default cache. */
  private void resetSelection() {
    selected = CacheManager.DEFAULT_CACHE;
    lastSelection = null;
    known.clear();
    known.add(CacheManager.DEFAULT_CACHE);
  }

  /**
   * A request awaiting its reply ({@code cache}: where it must run, null for anywhere), or a
   * switch inserted before requests ({@code select}).
   */
  private record Pending(CompletableFuture<byte[]> reply, String cache, Selection select,
      Selection reliesOn) {}

  /** A request held back until its cache's probe answers. */
  private record Held(ByteBuf request, CompletableFuture<byte[]> reply) {}

  /** One switch written on this connection; {@code error} is set once it failed. */
  private static final class Selection {
    final String cache;
    final boolean probe;
    byte[] error;

    Selection(String cache, boolean probe) {
      this.cache = cache;
      this.probe = probe;
    }
  }

  /** Stops reconnecting and closes the connection; pending requests fail. */
  @Override
  public void close() {
    closed = true;
    firstAttempt.complete(false);
    Channel ch = channel;
    if (ch != null) {
      ch.close().awaitUninterruptibly(2_000);
    }
  }

  /** Decodes replies and matches them to pending requests; runs on the pinned loop. */
  private final class Handler extends ChannelInboundHandlerAdapter {
    /** A subscriber's replies up to this size are read into {@link #frames}, larger ones apart. */
    private static final int FRAMES_MAX = 64 << 10;

    private ByteBuf cumulation;
    /**
     * A subscriber's reply buffer, reused for every reply that fits: its listener reads a reply
     * during the call only, and a new array per pushed message was the largest part of what a
     * receiving agent allocated per SYNC message (docs/benchmarks.md, session 23).
     */
    private byte[] frames = new byte[512];
    /** Set once the node refused the password: the replies that follow are not read. */
    private boolean refusedHere;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      requests = new CoalescedFlush(ctx.channel(), FLUSH_BURST);
      resetSelection();
      if (password != null) {
        awaitingAuth = true;
        requests.write(Requests.of(ctx.alloc(), AUTH, password));
      }
      backoff.reset();
      LOG.info("connected to node {}{}", name, subscriber ? " (sync subscriber)" : "");
      if (listener != null) {
        listener.connected(UpstreamConnection.this);
      }
      firstAttempt.complete(true);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf in = (ByteBuf) msg;
      cumulation = cumulation == null
          ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
      try {
        int end;
        while ((end = ReplyFramer.frameEnd(cumulation, cumulation.readerIndex())) >= 0) {
          int length = end - cumulation.readerIndex();
          byte[] raw = subscriber && length <= FRAMES_MAX ? frames(length) : new byte[length];
          cumulation.readBytes(raw, 0, length);
          deliver(ctx, raw, length);
          if (refusedHere) {
            break;
          }
        }
      } catch (RespProtocolException e) {
        LOG.warn("closing connection to {}: {}", name, e.getMessage());
        ctx.close();
      } finally {
        if (!cumulation.isReadable()) {
          cumulation.release();
          cumulation = null;
        } else {
          cumulation.discardSomeReadBytes();
        }
      }
    }

    /** Returns {@link #frames}, grown to hold at least {@code length} bytes. */
    private byte[] frames(int length) {
      if (frames.length < length) {
        frames = new byte[Math.min(FRAMES_MAX, Math.max(length, 2 * frames.length))];
      }
      return frames;
    }

    /**
     * Hands over the reply {@code raw[0, length)}; {@code raw} is exactly the reply unless this
     * is a subscriber connection, whose listener gets the shared {@link #frames}.
     */
    private void deliver(ChannelHandlerContext ctx, byte[] raw, int length) {
      if (awaitingAuth) {
        awaitingAuth = false;
        String why = ReplyFramer.errorText(raw, length);
        if (why != null) {
          refused(ctx, why);
        } else {
          authFailure = null;
        }
        return;
      }
      if (password == null && startsWith(raw, length, NOAUTH)) {
        refused(ctx, ReplyFramer.errorText(raw, length));
        return;
      }
      if (subscriber) {
        listener.push(raw, length);
        return;
      }
      Pending p = pending.poll();
      if (p == null) {
        LOG.warn("reply from {} with no request waiting; dropped", name);
      } else if (p.select != null) {
        selectAnswered(p.select, raw);
      } else if (p.reliesOn != null && p.reliesOn.error != null) {
        p.reply.complete(p.reliesOn.error);
      } else {
        p.reply.complete(requestReply(p.cache, raw));
      }
    }

    /**
     * The node refused the password (or wants one; {@code why} is its error's text): fails what
     * is pending and disconnects.
     */
    private void refused(ChannelHandlerContext ctx, String why) {
      UpstreamAuthException e = new UpstreamAuthException(name, why);
      UpstreamAuthException before = authFailure;
      if (before == null || !before.getMessage().equals(e.getMessage())) {
        LOG.error("{}; retrying with backoff", e.getMessage());
      } else {
        LOG.debug("{}", e.getMessage());
      }
      authFailure = e;
      refusedHere = true;
      failPending(e);
      ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      channel = null;
      if (cumulation != null) {
        cumulation.release();
        cumulation = null;
      }
      awaitingAuth = false;
      failPending(new UpstreamUnavailableException(name, "connection lost"));
      if (!closed && !refusedHere) {
        LOG.warn("lost connection to node {}; reconnecting", name);
      }
      if (listener != null) {
        listener.disconnected(UpstreamConnection.this);
      }
      scheduleReconnect();
      ctx.fireChannelInactive();
    }

    /** Fails every pending and held request with {@code down}; resets the selection. */
    private void failPending(RuntimeException down) {
      Pending p;
      while ((p = pending.poll()) != null) {
        if (p.reply != null) {
          p.reply.completeExceptionally(down);
        }
      }
      for (ArrayDeque<Held> waiting : probing.values()) {
        for (Held h : waiting) {
          h.request.release();
          h.reply.completeExceptionally(down);
        }
      }
      probing.clear();
      resetSelection();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("connection to {} failed", name, cause);
      ctx.close();
    }
  }
}
