package io.tiercel.server.command;

import io.netty.channel.Channel;
import io.tiercel.core.ByteKey;
import io.tiercel.core.Cache;
import io.tiercel.core.KeyBatch;
import io.tiercel.server.transport.CoalescedFlush;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashSet;
import java.util.Set;

/**
 * The state of one client connection: protocol, authentication, selected cache, name and
 * subscriptions. Touched only on the connection's event loop, except the fields read by
 * {@code CLIENT LIST} and {@code INFO}, which are volatile.
 */
public final class Session {
  final long id;
  final Channel channel;
  final long createdMillis;
  final Reply reply;
  /** Writes pushes from other connections (pub/sub messages, invalidations), one flush a turn. */
  final CoalescedFlush pushes;
  volatile long lastInteractionMillis;
  volatile String name = "";
  volatile String libName = "";
  volatile String libVersion = "";
  volatile String lastCommand = "NULL";
  volatile boolean resp3;
  boolean authenticated;
  /**
   * The selected cache, or an {@link UnusableCache} once it was dropped. Set by this connection
   * (SELECT, CACHE USE, RESET) and, with a compare-and-set against the value they saw, by the
   * connections that drop or create a cache ({@link Node#dropCache}, {@link Node#cacheCreated}).
   */
  volatile Cache cache;
  /** Channel names subscribed to, as {@link Bytes} keys. */
  final Set<ByteKey> channels = new HashSet<>();
  /** Patterns subscribed to. */
  final Set<ByteKey> patterns = new HashSet<>();
  /** Whether the client receives the agents' SYNC messages ({@link SyncHub}). */
  volatile boolean syncSubscribed;
  /** The agent this connection speaks for ({@code SYNCHUB ORIGIN}), 0 if none. */
  volatile long syncOrigin;
  /** CLIENT TRACKING state, read by other connections' writers (see {@link Tracking}). */
  volatile boolean tracking;
  volatile boolean trackingBcast;
  volatile boolean trackingNoLoop;
  /** The client id invalidations go to; 0 for this connection. */
  volatile long trackingRedirect;
  volatile java.util.List<byte[]> trackingPrefixes = java.util.List.of();
  /** Set while a command runs off the event loop; the handler decodes nothing more until then. */
  volatile boolean awaitingReply;
  /** Receives the reply of a command that ran off the event loop, on the event loop. */
  private java.util.function.Consumer<io.netty.buffer.ByteBuf> replySink;
  /** Set by QUIT and CLIENT KILL: reply what is pending, then close. */
  volatile boolean closing;
  /** The keys a multi-key command prefetches; made on first use, touched on the loop only. */
  private KeyBatch keyBatch;
  /** Where a plain SET packs its key and value ({@link Args#putPacked}); made on first use. */
  private byte[] scratch;
  /**
   * When pushes waiting to be sent first exceeded the soft output limit, or
   * {@code Long.MIN_VALUE} while below it; loop-only ({@link PushBufferLimit}).
   */
  long softLimitSince = Long.MIN_VALUE;

  private static final VarHandle CACHE;

  static {
    try {
      CACHE = MethodHandles.lookup().findVarHandle(Session.class, "cache", Cache.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Creates the session of a newly accepted connection. */
  Session(long id, Channel channel, Reply reply, Cache cache, boolean authenticated,
      long nowMillis, PushBufferLimit pushLimit) {
    this.id = id;
    this.channel = channel;
    this.reply = reply;
    this.pushes = new CoalescedFlush(channel, Integer.MAX_VALUE,
        msg -> pushLimit.admit(this, msg.readableBytes()));
    this.cache = cache;
    this.authenticated = authenticated;
    this.createdMillis = nowMillis;
    this.lastInteractionMillis = nowMillis;
  }

  /** Returns the client id. */
  public long id() {
    return id;
  }

  /** Returns the connection. */
  public Channel channel() {
    return channel;
  }

  /**
   * The largest key and value a SET packs, or key a GET packs, into the session's scratch array
   * (header included): it bounds what an idle connection keeps (Redis keeps a query buffer per
   * client for the same reason).
   */
  static final int SCRATCH_MAX = 4096;

  /** Returns this connection's scratch array of {@link #SCRATCH_MAX} bytes, made on first use. */
  byte[] scratch() {
    byte[] b = scratch;
    if (b == null) {
      b = new byte[SCRATCH_MAX];
      scratch = b;
    }
    return b;
  }

  /** Returns this connection's key batch for {@link Args#prefetch}, made on first use. */
  KeyBatch keyBatch() {
    KeyBatch batch = keyBatch;
    if (batch == null) {
      batch = new KeyBatch();
      keyBatch = batch;
    }
    return batch;
  }

  /**
   * Returns the cache the client has selected: an {@link UnusableCache}, whose every operation
   * fails, if it was dropped ({@link #cacheError}).
   */
  public Cache cache() {
    return cache;
  }

  /**
   * Returns the error (without its {@code -}) that commands on the selected cache answer because
   * it was dropped or never existed, or null while it is usable.
   */
  public String cacheError() {
    return cache instanceof UnusableCache u ? u.error() : null;
  }

  /** Replaces the selected cache with {@code next} if it is still {@code expected}. */
  boolean replaceCache(Cache expected, Cache next) {
    return CACHE.compareAndSet(this, expected, next);
  }

  /** Returns whether the connection should close once pending replies are written. */
  public boolean closing() {
    return closing;
  }

  /** Asks for the connection to close once pending replies are written. */
  public void markClosing() {
    closing = true;
  }

  /** Returns whether the client is subscribed to any channel or pattern. */
  public boolean subscribed() {
    return !channels.isEmpty() || !patterns.isEmpty();
  }

  /** Returns when the client last sent a command, in epoch ms. */
  public long lastInteractionMillis() {
    return lastInteractionMillis;
  }

  /** Returns whether the client has authenticated, or needs not. */
  public boolean authenticated() {
    return authenticated;
  }

  /** Returns whether a command is running off the event loop; later commands wait for it. */
  public boolean awaitingReply() {
    return awaitingReply;
  }

  /** Sets where replies of commands run off the event loop go (the connection's handler). */
  public void onAsyncReply(java.util.function.Consumer<io.netty.buffer.ByteBuf> sink) {
    this.replySink = sink;
  }

  /** Returns whether this connection's handler accepts replies delivered later. */
  boolean takesAsyncReplies() {
    return replySink != null;
  }

  /**
   * Answers the running command later, on this connection's event loop: after {@code delayMillis}
   * (0: its next turn), with what {@code write} puts into a fresh buffer. The handler reads no
   * further command meanwhile.
   */
  void replyLater(long delayMillis, java.util.function.Consumer<io.netty.buffer.ByteBuf> write) {
    awaitingReply = true;
    Runnable answer = () -> {
      io.netty.buffer.ByteBuf out = channel.alloc().ioBuffer(16);
      write.accept(out);
      deliver(out);
    };
    if (delayMillis == 0) {
      channel.eventLoop().execute(answer);
    } else {
      channel.eventLoop().schedule(answer, delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** Hands the reply of a command run off the event loop to the handler, which then owns it. */
  void deliver(io.netty.buffer.ByteBuf reply) {
    awaitingReply = false;
    java.util.function.Consumer<io.netty.buffer.ByteBuf> sink = replySink;
    if (sink == null) {
      reply.release();
    } else {
      sink.accept(reply);
    }
  }

  /** Returns the number of channels and patterns subscribed to. */
  int subscriptions() {
    return channels.size() + patterns.size();
  }
}
