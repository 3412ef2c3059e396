package io.tiercel.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tiercel.agent.sync.Stamp;
import io.tiercel.agent.upstream.ReplyFramer;
import io.tiercel.agent.upstream.Requests;
import io.tiercel.agent.upstream.UpstreamConnection;
import io.tiercel.core.Cache;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespDecoder;
import io.tiercel.protocol.resp.RespProtocolException;
import io.tiercel.protocol.resp.RespReplies;
import io.tiercel.protocol.resp.RespWriter;
import io.tiercel.server.command.Reply;
import io.tiercel.server.command.Session;
import io.tiercel.server.pipeline.BatchClock;
import io.tiercel.server.pipeline.PipelinePrefetch;
import io.tiercel.server.transport.CoalescedFlush;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application connection to the agent: local commands run on the node's own dispatcher
 * against the agent's store; GGET/GSET/GDEL go to the node; {@code SET ... SYNC} and
 * {@code DEL ... SYNC} write locally and publish the change.
 *
 * <p>Ordering: replies must leave in request order even though a global command answers later.
 * While no global command is outstanding, replies accumulate in the session's {@link Reply}
 * batch and are flushed once per read, exactly as on a node. Once one is outstanding, every later
 * reply becomes a slot in {@code queue} behind it; when an upstream reply arrives (on this
 * connection's loop: the upstream connection is pinned to the same loop, and completions from
 * elsewhere hop onto it), the queue's completed head is written in order. Nothing blocks.
 *
 * <p>Flushes: replies that complete slots are flushed once at the end of the loop's turn
 * ({@link CoalescedFlush}), not one by one: the node answers a burst of SYNC publishes (or GGETs)
 * in one read, and flushing each completed slot made one {@code write} system call, and one
 * wake-up of the client, per reply.
 *
 * <p>Protocol: the node speaks RESP2 to the agent; a forwarded reply to a RESP3 session has
 * its null converted ({@link #relayed}), the only difference GET/SET/DEL replies have.
 *
 * <p>Clock: as on a node, the commands of one read share one clock reading ({@link BatchClock});
 * commands run untimed unless the agent serves metrics (only GET's hits and misses are counted).
 *
 * <p>Backpressure: a client that sends commands and does not read its replies must not make
 * the agent hold them all. As on a node, decoding stops, and reading with it ({@code autoRead}
 * off), while the channel is over its write water mark (1 MB waiting to be sent); here also while
 * the client has {@link #MAX_QUEUED_SLOTS} replies or {@link #MAX_QUEUED_BYTES} bytes (replies,
 * and requests still at the node) waiting behind an outstanding global command, since those are
 * not written yet and so do not count against the water mark. The rest of a read stays in the
 * cumulation; decoding resumes once the channel is writable again and the queue is down to half,
 * on a writability change or when the node's replies drain the queue. Unlike the node, decoding
 * stops in the middle of a read (after the command that crossed the bound): a read of a few
 * kilobytes of GETs may ask for a gigabyte of large values. So a client that never reads costs
 * the agent about 1 MB plus the replies to the global commands it had in flight (at most
 * {@link #MAX_QUEUED_SLOTS} values), and its GGETs to a node that stopped reading stop at the
 * queue's bound too instead of piling up in the upstream connection.
 *
 * <p>Ownership: the handler owns the cumulation buffer and every slot buffer until written.
 */
final class AgentHandler extends ChannelInboundHandlerAdapter implements RespDecoder.CommandSink {
  private static final Logger LOG = LoggerFactory.getLogger(AgentHandler.class);
  /**
   * Replies queued behind (and including) an outstanding global command at which the client stops
   * being read: it bounds the GGETs in flight, whose replies arrive whether or not the client
   * reads (at most this many values).
   */
  static final int MAX_QUEUED_SLOTS = 256;
  /** Bytes waiting behind or in a global command at which the client stops being read. */
  static final long MAX_QUEUED_BYTES = 1 << 20;

  private final TiercelAgent agent;
  private ChannelHandlerContext ctx;
  private RespDecoder decoder;
  private final PipelinePrefetch prefetch = new PipelinePrefetch();
  private ByteBuf cumulation;
  private Session session;
  private Reply reply;
  /** Writes completed slots' replies, flushed once a turn. */
  private CoalescedFlush slotReplies;
  /** Replies behind an outstanding global command, oldest first. */
  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  /** The bytes the queue's slots stand for: replies, or requests still at the node. */
  private long queuedBytes;
  /** Whether decoding stopped until the client catches up on its replies (reading is off). */
  private boolean paused;
  /** Whether the decoder is running: a slot completed inline must not decode again. */
  private boolean decoding;
  /** The agent's clock when it is read once per batch (as on a node); null for tests' clocks. */
  private BatchClock batchClock;

  AgentHandler(TiercelAgent agent) {
    this.agent = agent;
  }

  /**
   * One reply in order: done once {@code buf} is set (it may be null for an empty batch);
   * {@code bytes} counts towards {@link #queuedBytes}.
   */
  private static final class Slot {
    ByteBuf buf;
    boolean done;
    int bytes;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    slotReplies = new CoalescedFlush(ctx.channel());
    reply = new Reply(ctx.alloc());
    session = agent.node().open(ctx.channel(), reply);
    if (session == null) {
      ByteBuf out = ctx.alloc().ioBuffer(48);
      RespWriter.error(out, "ERR max number of clients reached");
      ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    decoder = new RespDecoder(agent.node().limits());
    decoder.setAuthenticated(true);
    batchClock = agent.node().clock() instanceof BatchClock b ? b : null;
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
    if (!paused) {
      decodeCumulation();
    }
  }

  /** Runs the whole commands in the cumulation, until it ends, the session closes or pauses. */
  private void decodeCumulation() {
    if (batchClock != null) {
      batchClock.begin();
    }
    decoding = true;
    try {
      if (session.authenticated()) {
        prefetch.lookAhead(decoder, cumulation, session.cache());
      }
      decoder.decode(cumulation, this);
    } catch (RespProtocolException e) {
      reply.error("ERR " + e.getMessage());
      session.markClosing();
      endSlot();
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
  public boolean onCommand(RespArgs a) {
    if (session.authenticated()) {
      prefetch.onCommand(decoder, cumulation, session.cache());
    }
    AgentCommand command = AgentCommand.of(a);
    if (command.usesSelectedCache() && unusableCache()) {
      return !session.closing();
    }
    switch (command) {
      case GGET -> {
        if (!nearHit(a)) {
          global(a, "GET");
        }
      }
      case GSET -> global(a, "SET");
      case GDEL -> global(a, "DEL");
      case SET_SYNC -> setSync(a);
      case DEL_SYNC -> delSync(a);
      case RESETSTAT -> {
        agent.stats().reset();
        agent.nearCache().resetStats();
        agent.dispatcher().execute(session, a);
        endSlot();
      }
      default -> {
        agent.dispatcher().execute(session, a);
        endSlot();
      }
    }
    if (session.closing()) {
      return false;
    }
    if (queue.isEmpty() && reply.dueForEarlyWrite()) {
      ctx.writeAndFlush(reply.take(), ctx.voidPromise());
    }
    if (behind()) {
      pause();
      return false;
    }
    return true;
  }

  /** Returns whether the client has so much waiting to be sent that it must not be read on. */
  private boolean behind() {
    return !ctx.channel().isWritable() || queue.size() >= MAX_QUEUED_SLOTS
        || queuedBytes >= MAX_QUEUED_BYTES;
  }

  /** Stops decoding and reading until the client catches up ({@link #resumeIfCaughtUp}). */
  private void pause() {
    paused = true;
    ctx.channel().config().setAutoRead(false);
  }

  /**
   * Decodes what was read before the pause and reads on, if the client caught up: its channel is
   * writable and the queue is down to half its bounds. Runs on the loop.
   */
  private void resumeIfCaughtUp() {
    if (!paused || decoding || session == null || session.closing()
        || !ctx.channel().isWritable() || queue.size() > MAX_QUEUED_SLOTS / 2
        || queuedBytes > MAX_QUEUED_BYTES / 2) {
      return;
    }
    paused = false;
    if (cumulation != null) {
      decodeCumulation();
      channelReadComplete(ctx);
    }
    if (!paused && session != null && !session.closing()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * Answers the session's cache error if its selected cache was dropped on this agent, as the
   * local commands do: a global or SYNC command then runs nowhere, not in a cache of the same name
   * on the node nor in another; returns whether it did.
   */
  private boolean unusableCache() {
    String error = session.cacheError();
    if (error == null) {
      return false;
    }
    reply.error(error);
    endSlot();
    return true;
  }

  /** Moves the replies of the command just run behind an outstanding global command, if any. */
  private void endSlot() {
    if (!queue.isEmpty()) {
      Slot s = new Slot();
      s.buf = reply.take();
      s.done = true;
      s.bytes = s.buf == null ? 0 : s.buf.readableBytes();
      queuedBytes += s.bytes;
      queue.add(s);
    }
  }

  /** Forwards a command to the node under {@code name}; its reply is relayed in order. */
  private void global(RespArgs a, String name) {
    agent.stats().globalCommands.increment();
    if (a.count() < 2 || (name.equals("SET") && a.count() < 3)) {
      reply.error("ERR wrong number of arguments for '" + a.string(0).toLowerCase() + "' command");
      endSlot();
      return;
    }
    UpstreamConnection up = agent.upstreamFor(ctx.channel().eventLoop());
    ByteBuf request = Requests.renamed(ctx.alloc(), name, a);
    Slot slot = openSlot(request.readableBytes());
    CompletableFuture<byte[]> f =
        agent.nearCache().forward(up, name, a, session.cache().name(), request);
    // The protocol when the command was read: a HELLO pipelined behind it runs before it answers.
    boolean resp3 = reply.resp3();
    f.whenComplete((raw, err) -> {
      if (ctx.executor().inEventLoop()) {
        complete(slot, raw, err, resp3);
      } else {
        ctx.executor().execute(() -> complete(slot, raw, err, resp3));
      }
    });
  }

  /**
   * Writes the replies gathered since the last slot, so that what follows can be taken on its
   * own; with slots queued there are none (each command's reply went into a slot).
   */
  private void writeBatchSoFar() {
    if (queue.isEmpty()) {
      ByteBuf before = reply.take();
      if (before != null) {
        ctx.write(before, ctx.voidPromise());
      }
    }
  }

  /**
   * Queues a slot for a reply that comes later, writing the batch's replies before it first;
   * {@code bytes} is what the command holds meanwhile (its request, on its way to the node).
   */
  private Slot openSlot(int bytes) {
    writeBatchSoFar();
    Slot slot = new Slot();
    slot.bytes = bytes;
    queuedBytes += bytes;
    queue.add(slot);
    return slot;
  }

  /** Answers GGET from the near cache if it holds the key; returns whether it did. */
  private boolean nearHit(RespArgs a) {
    byte[] copy = agent.nearCache().hit(session.cache().name(), a);
    if (copy == null) {
      return false;
    }
    reply.bulk(copy);
    endSlot();
    return true;
  }

  private void complete(Slot slot, byte[] raw, Throwable err, boolean resp3) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (err != null) {
      agent.stats().globalErrors.increment();
      ByteBuf b = ctx.alloc().ioBuffer(96);
      RespWriter.error(b, "ERR " + (err.getCause() != null ? err.getCause() : err).getMessage());
      completeSlot(slot, b);
    } else {
      completeSlot(slot, relayed(raw, resp3));
    }
  }

  /**
   * Returns the node's reply as this session expects it: the node speaks RESP2 to the agent, and
   * GET/SET/DEL replies differ in RESP3 only in the null ({@code $-1} and {@code *-1} become
   * {@code _}), so a RESP3 session gets exactly what the local command would give.
   */
  private ByteBuf relayed(byte[] raw, boolean resp3) {
    if (resp3 && (Arrays.equals(raw, RespReplies.NULL_BULK) || Arrays.equals(raw, RespReplies.NULL_ARRAY))) {
      ByteBuf b = ctx.alloc().ioBuffer(3);
      RespWriter.nullBulk(b, true);
      return b;
    }
    return Unpooled.wrappedBuffer(raw);
  }

  /** Fills {@code slot} with {@code buf} (owned from here on) and writes the done head. */
  private void completeSlot(Slot slot, ByteBuf buf) {
    if (!ctx.channel().isActive()) {
      buf.release();
      return;
    }
    slot.buf = buf;
    slot.done = true;
    queuedBytes += buf.readableBytes() - slot.bytes;
    slot.bytes = buf.readableBytes();
    while (!queue.isEmpty() && queue.peek().done) {
      Slot head = queue.poll();
      queuedBytes -= head.bytes;
      if (head.buf != null) {
        slotReplies.write(head.buf);
      }
    }
    if (queue.isEmpty()) {
      // Replies of commands run since the last slot (none if the batch already ended).
      ByteBuf rest = reply.take();
      if (rest != null) {
        slotReplies.write(rest);
      }
      if (session != null && session.closing()) {
        // QUIT, a protocol error or the agent's shutdown waited for this reply.
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        return;
      }
    }
    resumeIfCaughtUp();
  }

  /**
   * Closes the connection once every command already run is answered: at once, or when the last
   * outstanding global command's reply is written; runs on the connection's loop (shutdown).
   */
  void closeAfterReplies() {
    if (session == null) {
      ctx.close();
      return;
    }
    session.markClosing();
    if (queue.isEmpty()) {
      ByteBuf out = reply.take();
      ctx.writeAndFlush(out == null ? Unpooled.EMPTY_BUFFER : out)
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** SET key value [options] SYNC: the node's SET locally, then the result published. */
  private void setSync(RespArgs a) {
    a.dropLast();
    Cache cache = session.cache();
    if (!agent.synchronizer().subscribed()) {
      reply.error(notSynced());
      endSlot();
      return;
    }
    if (a.count() < 3) {
      reply.error("ERR wrong number of arguments for 'set' command");
      endSlot();
      return;
    }
    byte[] key = a.bytes(1);
    writeBatchSoFar();
    Stamp stamp = agent.synchronizer().versions().writeLocal(cache.name(), key,
        agent.synchronizer()::nextStamp, () -> agent.dispatcher().execute(session, a));
    ByteBuf local = reply.take();
    boolean failed = local != null && local.isReadable() && local.getByte(local.readerIndex()) == '-';
    if (failed) {
      reply.out().writeBytes(local);
      local.release();
      endSlot();
      return;
    }
    answerWhenPublished(local, a.length(2),
        List.of(publish(key, agent.synchronizer().describe(cache, key, stamp))));
  }

  /** DEL key [key ...] SYNC: removes locally, leaves a versioned tombstone, publishes it. */
  private void delSync(RespArgs a) {
    a.dropLast();
    Cache cache = session.cache();
    if (!agent.synchronizer().subscribed()) {
      reply.error(notSynced());
      endSlot();
      return;
    }
    if (a.count() < 2) {
      reply.error("ERR wrong number of arguments for 'del' command");
      endSlot();
      return;
    }
    long removed = 0;
    List<CompletableFuture<byte[]>> published = new ArrayList<>(a.count() - 1);
    for (int i = 1; i < a.count(); i++) {
      byte[] key = a.bytes(i);
      boolean[] gone = {false};
      Stamp stamp = agent.synchronizer().versions().writeLocal(cache.name(), key,
          agent.synchronizer()::nextStamp, () -> gone[0] = cache.remove(key));
      if (gone[0]) {
        removed++;
      }
      published.add(publish(key, agent.synchronizer().describe(cache, key, stamp)));
    }
    ByteBuf local = ctx.alloc().ioBuffer(24);
    RespWriter.integer(local, removed);
    answerWhenPublished(local, 0, published);
  }

  /**
   * Answers a SYNC write with its local reply once the node has sequenced every publish of it,
   * so {@code +OK} means every subscribed agent will get the change; if a publish fails (the
   * node is unreachable or refused it), the answer is an error saying the change was made here
   * only, and the client may repeat it. Replies stay in request order (a slot in the queue, which
   * counts the {@code valueBytes} published meanwhile).
   */
  private void answerWhenPublished(ByteBuf local, int valueBytes,
      List<CompletableFuture<byte[]>> published) {
    Slot slot = openSlot(valueBytes);
    CompletableFuture<?> all = published.size() == 1 ? published.get(0)
        : CompletableFuture.allOf(published.toArray(CompletableFuture[]::new));
    all.whenComplete((v, e) -> {
      String failure = null;
      for (CompletableFuture<byte[]> f : published) {
        String failed = failure(f);
        if (failed != null) {
          agent.stats().syncPublishFailed.increment();
          LOG.debug("publish failed: {}", failed);
          failure = failed;
        }
      }
      String error = failure;
      Runnable done = () -> {
        if (error == null) {
          completeSlot(slot, local);
        } else {
          local.release();
          ByteBuf b = ctx.alloc().ioBuffer(128);
          RespWriter.error(b, "ERR SYNC not published (" + error + "); the change was made on "
              + "this agent only: repeat the command");
          completeSlot(slot, b);
        }
      };
      if (ctx.executor().inEventLoop()) {
        done.run();
      } else {
        ctx.executor().execute(done);
      }
    });
  }

  private String notSynced() {
    return "ERR SYNC unavailable: not subscribed to node " + agent.nodesText()
        + " (reconnecting); nothing was written";
  }

  /** Publishes {@code message}, a change of {@code key}; returns the future of the reply. */
  private CompletableFuture<byte[]> publish(byte[] key, byte[] message) {
    agent.stats().syncSent.increment();
    return agent.synchronizer().publish(agent.upstreamFor(ctx.channel().eventLoop()), key,
        message);
  }

  /** Returns why a completed publish failed (unreachable node or an error reply), or null. */
  private static String failure(CompletableFuture<byte[]> f) {
    byte[] raw;
    try {
      raw = f.getNow(null);
    } catch (java.util.concurrent.CompletionException
        | java.util.concurrent.CancellationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return String.valueOf(cause.getMessage());
    }
    return ReplyFramer.errorText(raw);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (reply == null) {
      return;
    }
    boolean closing = session != null && session.closing();
    if (!queue.isEmpty()) {
      ctx.flush();
    } else {
      ByteBuf out = reply.take();
      if (closing) {
        ctx.writeAndFlush(out == null ? Unpooled.EMPTY_BUFFER : out)
            .addListener(ChannelFutureListener.CLOSE);
        return;
      } else if (out != null) {
        // No promise per batch (as on a node): a failed write reaches exceptionCaught, which
        // closes.
        ctx.writeAndFlush(out, ctx.voidPromise());
      } else {
        ctx.flush();
      }
    }
    if (!closing && !paused && behind()) {
      // The client is not reading its replies: stop reading its commands until it catches up.
      pause();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      resumeIfCaughtUp();
    }
    ctx.fireChannelWritabilityChanged();
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

  private void release() {
    for (Slot s : queue) {
      if (s.buf != null) {
        s.buf.release();
      }
    }
    queue.clear();
    queuedBytes = 0;
    if (cumulation != null) {
      cumulation.release();
      cumulation = null;
    }
    if (reply != null) {
      reply.release();
    }
    if (session != null) {
      agent.node().close(session);
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
