package io.tiercel.server.pipeline;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tiercel.persistence.CommitGate;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespDecoder;
import io.tiercel.protocol.resp.RespProtocolException;
import io.tiercel.protocol.resp.RespWriter;
import io.tiercel.server.command.CommandDispatcher;
import io.tiercel.server.command.Reply;
import io.tiercel.server.command.Session;
import io.tiercel.server.transport.LeastConnectionsChooser;
import io.tiercel.server.transport.TurnFlush;
import java.io.IOException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: cumulates reads, decodes whole commands in place, runs each at once
 * and writes all replies of a read batch on {@code channelReadComplete}, flushed with those of
 * every other connection the loop read in the same turn ({@link TurnFlush}).
 *
 * <p>Ownership: this handler owns the cumulation buffer (every inbound buffer is merged into it
 * or becomes it, and it is released when empty or when the connection closes); the batch's reply
 * buffer is owned by the session's {@link Reply} until handed to {@code write}. A protocol error
 * is answered with {@code -ERR Protocol error: ...} and closes only this connection.
 *
 * <p>Durability ({@code appendfsync always}): when a batch wrote records that are not yet on
 * disk, its replies are held (in order, with any later ones) and reading stops; the log writer's
 * callback writes and flushes them on this connection's loop once the fsync is done, and reading
 * resumes. The loop itself never blocks, so the writes of every connection share one fsync. A
 * reply is never sent before the writes in front of it are durable: when a batch's replies grow
 * large enough to be written early ({@link Reply#dueForEarlyWrite}), they are held instead if the
 * batch's writes are not yet on disk, and decoding stops there, so replies held for an fsync are
 * bounded like those a slow client leaves unread.
 *
 * <p>Backpressure: a client that does not read its replies stops being read. At the end of a
 * batch, reading stops while the channel is over its write water mark (1 MB waiting); within a
 * batch, decoding stops too, after the command whose reply crossed it (a read of a few kilobytes
 * of GETs may ask for gigabytes of large values), and the rest of the read waits in the
 * cumulation. Both resume once the channel is writable again. Every path that may lift a stop
 * (an off-loop reply, an fsync, writability) ends in one place, {@link #readOnIfCaughtUp}.
 */
public final class RespServerHandler extends ChannelInboundHandlerAdapter
    implements RespDecoder.CommandSink {
  private static final Logger LOG = LoggerFactory.getLogger(RespServerHandler.class);

  private final CommandDispatcher dispatcher;
  private final LeastConnectionsChooser chooser;
  private ChannelHandlerContext ctx;
  private RespDecoder decoder;
  private ByteBuf cumulation;
  private Session session;
  private Reply reply;
  private CommitGate gate = CommitGate.NONE;
  /** Replies waiting for their writes to be durable, oldest first; null when none wait. */
  private ArrayDeque<ByteBuf> held;
  private long heldTicket;
  private boolean heldClose;
  /**
   * Whether decoding stopped mid-batch (reading is off) until the client reads its replies or the
   * replies held for an fsync are sent.
   */
  private boolean paused;
  /** Whether a batch is being decoded: a writability change fired by its early write is nested. */
  private boolean decoding;
  /**
   * Where the next command's time starts ({@link System#nanoTime}): taken before a batch is
   * decoded, then each command's end; 0 when commands are not timed. So a command's latency covers
   * its decoding and its run, and a pipelined batch of n commands reads the clock n + 1 times.
   */
  private long commandStart;
  /** The node's clock when it is read once per batch; null for any other clock (tests' own). */
  private BatchClock batchClock;
  private final PipelinePrefetch prefetch = new PipelinePrefetch();

  /** Creates the handler of one connection. */
  public RespServerHandler(CommandDispatcher dispatcher, LeastConnectionsChooser chooser) {
    this.dispatcher = dispatcher;
    this.chooser = chooser;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    reply = new Reply(ctx.alloc());
    session = dispatcher.node().open(ctx.channel(), reply);
    if (session == null) {
      ByteBuf out = ctx.alloc().ioBuffer(48);
      RespWriter.error(out, "ERR max number of clients reached");
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    gate = dispatcher.node().commitGate();
    batchClock = dispatcher.node().clock() instanceof BatchClock b ? b : null;
    session.onAsyncReply(this::resumeAfterAsync);
    decoder = new RespDecoder(dispatcher.node().limits());
    decoder.setAuthenticated(session.authenticated());
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (session == null || session.closing()) {
      in.release();
      return;
    }
    cumulation = cumulation == null
        ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
    if (session.awaitingReply() || paused) {
      // A command is running off the event loop, or the client is not reading its replies: keep
      // the bytes, read no more until it replies or catches up.
      ctx.channel().config().setAutoRead(false);
      return;
    }
    decodeCumulation();
  }

  private void decodeCumulation() {
    decoding = true;
    commandStart = dispatcher.timed() ? System.nanoTime() : 0;
    if (batchClock != null) {
      batchClock.begin();
    }
    try {
      if (session.authenticated()) {
        prefetch.lookAhead(decoder, cumulation, session.cache());
      }
      decoder.decode(cumulation, this);
    } catch (RespProtocolException e) {
      reply.error("ERR " + e.getMessage());
      session.markClosing();
    } finally {
      decoding = false;
      if (batchClock != null) {
        batchClock.end();
      }
      if (!cumulation.isReadable() || session.closing()) {
        cumulation.release();
        cumulation = null;
      } else {
        cumulation.discardSomeReadBytes();
      }
    }
  }

  @Override
  public boolean onCommand(RespArgs args) {
    if (session.authenticated()) {
      prefetch.onCommand(decoder, cumulation, session.cache());
    }
    commandStart = dispatcher.execute(session, args, commandStart);
    decoder.setAuthenticated(session.authenticated());
    if (session.awaitingReply()) {
      return false;
    }
    if (reply.dueForEarlyWrite()) {
      ByteBuf out = reply.take();
      long ticket = gate.takeTicket();
      if (held != null || (ticket != 0 && !gate.isDurable(ticket))) {
        // Replies in front of these wait for an fsync, so these wait too, and nothing more of
        // this read runs until they are sent: held replies are bounded like unwritten ones.
        hold(ctx, out, ticket, false);
        paused = true;
        return false;
      }
      // Flushed now: a batch may end without another reply, and nothing else flushes then.
      ctx.writeAndFlush(out, ctx.voidPromise());
      if (!ctx.channel().isWritable() && !session.closing()) {
        // The client is not reading: decode nothing more of this read until it catches up.
        paused = true;
        ctx.channel().config().setAutoRead(false);
        return false;
      }
    }
    return !session.closing();
  }

  /**
   * Writes the reply of a command that ran off the event loop after the replies before it (behind
   * any replies still held for durability), then decodes the commands that waited behind it; runs
   * on the event loop and owns {@code out}.
   */
  private void resumeAfterAsync(ByteBuf out) {
    if (session == null) {
      out.release();
      return;
    }
    ByteBuf before = reply.take();
    if (held != null) {
      if (before != null) {
        held.add(before);
      }
      held.add(out);
    } else {
      if (before != null) {
        ctx.write(before);
      }
      ctx.write(out);
    }
    readOnIfCaughtUp(ctx);
    channelReadComplete(ctx);
    ctx.flush();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (reply == null) {
      return;
    }
    ByteBuf out = reply.take();
    boolean closing = session != null && session.closing();
    long ticket = gate.takeTicket();
    if (held != null || (ticket != 0 && !gate.isDurable(ticket))) {
      hold(ctx, out, ticket, closing);
      return;
    }
    flushBatch(ctx, out, closing);
  }

  /** Writes a batch's replies and flushes; closes after them if the session is closing. */
  private void flushBatch(ChannelHandlerContext ctx, ByteBuf out, boolean closing) {
    if (closing) {
      ctx.writeAndFlush(out == null ? Unpooled.EMPTY_BUFFER : out)
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (out != null) {
      // No promise per batch: a failed write reaches exceptionCaught, which closes. The flush
      // waits for the end of the loop's turn, with every other connection read in it.
      ctx.write(out, ctx.voidPromise());
      TurnFlush.later(ctx);
    }
    if (!ctx.channel().isWritable()) {
      // The client is not reading its replies: stop reading its commands until it catches up.
      ctx.channel().config().setAutoRead(false);
    }
  }

  /**
   * Closes the connection once every reply owed for commands already run is sent: at once when
   * none is owed, else after the held replies' fsync or the off-loop command's reply; runs on the
   * connection's loop (the node's shutdown).
   */
  public void closeAfterReplies() {
    if (session == null) {
      ctx.close();
      return;
    }
    session.markClosing();
    if (held != null) {
      heldClose = true;
    } else if (!session.awaitingReply()) {
      flushBatch(ctx, reply.take(), true);
    }
    // Otherwise the off-loop command's reply ends in channelReadComplete, which sees closing.
  }

  /** Holds a batch's replies until {@code ticket} is durable, reading nothing meanwhile. */
  private void hold(ChannelHandlerContext ctx, ByteBuf out, long ticket, boolean closing) {
    if (held == null) {
      held = new ArrayDeque<>();
      ctx.channel().config().setAutoRead(false);
    }
    if (out != null) {
      held.add(out);
    }
    heldTicket = Math.max(heldTicket, ticket);
    heldClose |= closing;
    long waitFor = heldTicket;
    gate.whenDurable(waitFor, () -> ctx.executor().execute(() -> releaseHeld(ctx, waitFor)));
  }

  /** Sends the held replies once everything they wait for is durable; runs on the loop. */
  private void releaseHeld(ChannelHandlerContext ctx, long durable) {
    if (held == null || (heldTicket > durable && !gate.isDurable(heldTicket))) {
      return;
    }
    ArrayDeque<ByteBuf> replies = held;
    boolean closing = heldClose;
    held = null;
    heldTicket = 0;
    heldClose = false;
    if (!ctx.channel().isActive()) {
      replies.forEach(ByteBuf::release);
      return;
    }
    ByteBuf last = replies.pollLast();
    for (ByteBuf b : replies) {
      ctx.write(b);
    }
    flushBatch(ctx, last, closing);
    readOnIfCaughtUp(ctx);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    readOnIfCaughtUp(ctx);
    ctx.fireChannelWritabilityChanged();
  }

  /**
   * Decodes the commands that waited, unless something still stops decoding, then turns reading
   * back on, unless something still stops reading. Called whenever a reason to stop may have gone
   * (an off-loop reply, an fsync, the client catching up); a no-op when none did.
   *
   * <p>Decoding stops for a command running off the loop ({@link Session#awaitingReply}) and
   * while {@link #paused}, which lasts until the channel is writable and no reply is held.
   * Reading also stops while replies are held or the channel is unwritable: what one read brought
   * is still decoded then, up to one early write, but no more is read. A call nested in a batch's
   * decoding (its early write's flush changed writability) leaves the decoding to that batch.
   */
  private void readOnIfCaughtUp(ChannelHandlerContext ctx) {
    if (session == null || session.closing()) {
      return;
    }
    if (paused && held == null && ctx.channel().isWritable()) {
      paused = false;
    }
    if (!paused && !session.awaitingReply() && cumulation != null && !decoding) {
      decodeCumulation();
      channelReadComplete(ctx);
    }
    if (!paused && !session.awaitingReply() && held == null && !session.closing()
        && ctx.channel().isWritable()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  @Override
  public void channelUnregistered(ChannelHandlerContext ctx) {
    chooser.connectionClosed(ctx.channel().eventLoop());
    ctx.fireChannelUnregistered();
  }

  private void release() {
    if (held != null) {
      held.forEach(ByteBuf::release);
      held = null;
    }
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
    if (reply != null) {
      reply.release();
    }
    if (session != null) {
      dispatcher.node().close(session);
      session = null;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      LOG.warn("closing {} after an unexpected error", ctx.channel(), cause);
    }
    ctx.close();
  }
}
