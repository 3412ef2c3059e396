package io.tiercel.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * Writes messages to one channel and flushes them once, at the end of the event-loop turn in
 * which they were written, however many there were.
 *
 * <p><b>Why.</b> A flush is a {@code write} system call. A publisher that answers a read batch of
 * a hundred {@code PUBLISH} commands, or an agent that forwards a hundred writes read at once,
 * would otherwise make a hundred system calls for bytes that fit in one. Netty runs the tasks
 * queued during a turn after that turn's I/O, so a flush queued with {@code execute} on the first
 * write runs once every message of the turn is written: batching without a timer, and the
 * latency of a message grows only by the rest of its turn.
 *
 * <p><b>Threads.</b> The pending flag is touched only on the channel's loop. A write from another
 * thread becomes a task on the loop; the flush it queues there lands after the write tasks queued
 * before it, so a burst from another loop is flushed once too.
 *
 * <p><b>Long turns.</b> With a {@code burst} limit, the flush also happens as soon as that many
 * messages wait, so the first message of a long turn (a read of a hundred SYNC writes) leaves
 * after {@code burst} messages' work rather than after the whole turn's.
 *
 * <p><b>Admission.</b> An optional {@link Gate} sees each message on the loop before it is
 * written and may refuse it (a receiver over its output limit); a refused message is released.
 *
 * <p>Ownership: a buffer passed to {@link #write} belongs to the channel from then on.
 */
public final class CoalescedFlush implements Runnable {
  /** Decides, on the channel's loop, whether a message may be written. */
  @FunctionalInterface
  public interface Gate {
    /** Returns whether {@code msg} may be written; if not, it is released. */
    boolean admit(ByteBuf msg);
  }

  private final Channel channel;
  private final int burst;
  private final Gate gate;
  private boolean flushQueued;
  private int unflushed;

  /** Creates the flusher of {@code channel}: one flush per turn. */
  public CoalescedFlush(Channel channel) {
    this(channel, Integer.MAX_VALUE);
  }

  /** Creates the flusher of {@code channel} that also flushes every {@code burst} messages. */
  public CoalescedFlush(Channel channel, int burst) {
    this(channel, burst, msg -> true);
  }

  /** Creates the flusher of {@code channel} that writes only what {@code gate} admits. */
  public CoalescedFlush(Channel channel, int burst, Gate gate) {
    this.channel = channel;
    this.burst = burst;
    this.gate = gate;
  }

  /** Writes {@code msg}; it is flushed at the end of the loop's current turn. */
  public void write(ByteBuf msg) {
    EventLoop loop = channel.eventLoop();
    if (!loop.inEventLoop()) {
      loop.execute(() -> write(msg));
      return;
    }
    if (!gate.admit(msg)) {
      msg.release();
      return;
    }
    channel.write(msg, channel.voidPromise());
    if (++unflushed >= burst) {
      unflushed = 0;
      channel.flush();
    } else if (!flushQueued) {
      flushQueued = true;
      loop.execute(this);
    }
  }

  /** Flushes what the turn wrote; runs as the loop's task. */
  @Override
  public void run() {
    flushQueued = false;
    unflushed = 0;
    channel.flush();
  }
}
