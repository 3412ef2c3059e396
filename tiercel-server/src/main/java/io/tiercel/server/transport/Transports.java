package io.tiercel.server.transport;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that picks Netty's transport: native epoll when it loads, NIO otherwise;
 * {@code -Dtiercel.transport=nio} forces NIO. Netty 4.2's epoll is level-triggered only (its
 * {@code EPOLL_MODE} option is a no-op), so a read event costs one {@code recvfrom}, as in Redis.
 */
public final class Transports {
  private static final Logger LOG = LoggerFactory.getLogger(Transports.class);
  private static final boolean EPOLL = detectEpoll();
  /**
   * The write water mark of client connections (RESP and HTTP, node and agent): over 1 MB waiting
   * to be sent, a connection stops reading requests until it is back under 256 KB.
   */
  public static final WriteBufferWaterMark CLIENT_WATER_MARK =
      new WriteBufferWaterMark(256 << 10, 1 << 20);
  /**
   * How client connections size their read buffers: Netty's adaptive guess, never below 2 KiB.
   * Netty's default lets the guess shrink to 64 bytes, so it settles on a client's usual request
   * size; when requests then fill the buffer exactly (every 144-byte SET redis-benchmark sends
   * fills a 144-byte buffer), Netty reads again at once and the kernel answers EAGAIN: one
   * {@code recvfrom} in nine was wasted so. A pooled 2 KiB buffer costs what a 144-byte one does.
   * Up to 16 reads per event, as Netty's epoll and NIO channels set for their own default (an
   * allocator given as an option keeps its own setting, which is 1).
   */
  public static final RecvByteBufAllocator CLIENT_READS =
      new AdaptiveRecvByteBufAllocator(2048, 2048, 64 << 10).maxMessagesPerRead(16);

  private Transports() {}

  /**
   * Sets the options every client-facing server (RESP and HTTP, node and agent) gives its
   * connections: {@link #CLIENT_WATER_MARK} and {@link #CLIENT_READS}; returns {@code bootstrap}.
   */
  public static ServerBootstrap clientChannels(ServerBootstrap bootstrap) {
    return bootstrap
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, CLIENT_WATER_MARK)
        .childOption(ChannelOption.RCVBUF_ALLOCATOR, CLIENT_READS);
  }

  private static boolean detectEpoll() {
    if ("nio".equalsIgnoreCase(System.getProperty("tiercel.transport"))) {
      LOG.debug("epoll disabled by -Dtiercel.transport=nio");
      return false;
    }
    if (!Epoll.isAvailable()) {
      LOG.debug("epoll unavailable, using NIO", Epoll.unavailabilityCause());
      return false;
    }
    return true;
  }

  /** Returns whether the native epoll transport is in use. */
  public static boolean isEpoll() {
    return EPOLL;
  }

  /** Returns the transport's name for logs and INFO: {@code epoll} or {@code nio}. */
  public static String name() {
    return EPOLL ? "epoll" : "nio";
  }

  /** Returns the I/O handler factory for event loops of this transport that block when idle. */
  public static IoHandlerFactory ioHandlerFactory() {
    return ioHandlerFactory(0);
  }

  /**
   * Returns the I/O handler factory for event loops that poll up to {@code spinMicros} before
   * blocking ({@link SpinThenBlockStrategy}; epoll only, NIO loops always block when idle).
   */
  public static IoHandlerFactory ioHandlerFactory(int spinMicros) {
    if (EPOLL && spinMicros > 0) {
      long spinNanos = spinMicros * 1000L;
      return EpollIoHandler.newFactory(
          0, () -> new SpinThenBlockStrategy(spinNanos, System::nanoTime));
    }
    return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  /** Returns the server channel class for TCP. */
  public static Class<? extends ServerChannel> serverSocketChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  /** Returns the server channel class for UNIX domain sockets. */
  public static Class<? extends ServerChannel> serverDomainSocketChannel() {
    return EPOLL ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
  }

  /** Returns the address of the UNIX socket at {@code path} in this transport's type. */
  public static SocketAddress domainSocketAddress(Path path) {
    return EPOLL ? new DomainSocketAddress(path.toFile()) : UnixDomainSocketAddress.of(path);
  }

  /**
   * Waits, at most {@code timeoutMillis} in all, until every loop of {@code workers} has run the
   * tasks queued on it before this call. A server's close calls it once its listeners are closed
   * and before it closes its connections: each connection the acceptor took is handed to its
   * worker as a queued registration, and one registered after the worker's own shutdown had
   * closed the others would keep its socket open, the client waiting forever (one close in about
   * sixty, with a client connected just before it; session 22).
   */
  public static void runQueuedTasks(EventLoopGroup workers, long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    for (EventExecutor loop : workers) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        loop.submit(() -> { }).awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left));
      } catch (RejectedExecutionException e) {
        // The loop is already shutting down: its own shutdown closes what it has.
      }
    }
  }
}
