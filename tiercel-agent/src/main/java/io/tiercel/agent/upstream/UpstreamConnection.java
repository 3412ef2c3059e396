package io.tiercel.agent.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tiercel.protocol.resp.RespProtocolException;
import io.tiercel.server.transport.CoalescedFlush;
import io.tiercel.server.transport.Transports;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
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

  /** What a subscriber connection reports. */
  public interface Listener {
    /** Called on the loop once the connection is up (again). */
    void connected(UpstreamConnection c);

    /** Called on the loop when an established connection is lost. */
    void disconnected(UpstreamConnection c);

    /** Called on the loop with every reply of a subscriber connection, as raw RESP bytes. */
    void push(byte[] reply);
  }

  private final InetSocketAddress address;
  private final String name;
  private final EventLoop loop;
  private final Listener listener;
  private final boolean subscriber;
  private final Backoff backoff;
  private final ArrayDeque<CompletableFuture<byte[]>> pending = new ArrayDeque<>();
  private volatile Channel channel;
  /** Writes requests to {@link #channel}, one flush per loop turn; touched only on the loop. */
  private CoalescedFlush requests;
  private volatile boolean closed;
  /** Completes with whether the first connect attempt succeeded. */
  private final CompletableFuture<Boolean> firstAttempt = new CompletableFuture<>();

  /**
   * Creates a connection to {@code address} on {@code loop}; {@code subscriber} sends every reply
   * to {@code listener} instead of to request futures.
   */
  public UpstreamConnection(InetSocketAddress address, EventLoop loop, Listener listener,
      boolean subscriber, Backoff backoff) {
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
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    if (loop.inEventLoop()) {
      send0(request, f);
    } else {
      loop.execute(() -> send0(request, f));
    }
    return f;
  }

  private void send0(ByteBuf request, CompletableFuture<byte[]> f) {
    Channel ch = channel;
    if (ch == null || !ch.isActive()) {
      request.release();
      f.completeExceptionally(new UpstreamUnavailableException(name, "is unreachable"));
      return;
    }
    if (!subscriber) {
      pending.add(f);
    } else {
      f.complete(null);
    }
    // Requests written in one turn (a read batch of SYNC writes or GGETs) share one flush.
    requests.write(request);
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
    private ByteBuf cumulation;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      channel = ctx.channel();
      requests = new CoalescedFlush(ctx.channel(), FLUSH_BURST);
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
          byte[] raw = new byte[end - cumulation.readerIndex()];
          cumulation.readBytes(raw);
          deliver(raw);
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

    private void deliver(byte[] raw) {
      if (subscriber) {
        listener.push(raw);
        return;
      }
      CompletableFuture<byte[]> f = pending.poll();
      if (f == null) {
        LOG.warn("reply from {} with no request waiting; dropped", name);
        return;
      }
      f.complete(raw);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      channel = null;
      if (cumulation != null) {
        cumulation.release();
        cumulation = null;
      }
      UpstreamUnavailableException down =
          new UpstreamUnavailableException(name, "connection lost");
      CompletableFuture<byte[]> f;
      while ((f = pending.poll()) != null) {
        f.completeExceptionally(down);
      }
      if (!closed) {
        LOG.warn("lost connection to node {}; reconnecting", name);
      }
      if (listener != null) {
        listener.disconnected(UpstreamConnection.this);
      }
      scheduleReconnect();
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("connection to {} failed", name, cause);
      ctx.close();
    }
  }
}
