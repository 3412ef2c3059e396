package io.tiercel.server.command;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.tiercel.core.Clock;
import io.tiercel.server.config.OutputBufferLimits;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a client that does not read the messages pushed to it, before they fill the node's
 * memory: the {@code pubsub} class of {@code client-output-buffer-limit}, as in Redis.
 *
 * <p><b>Why pushes only.</b> A client's replies are bounded already: its connection stops reading
 * commands while more than the write water mark (1 MB) waits to be sent, so a client that does
 * not read its replies stops being served, not grows the node. Pushes (pub/sub messages,
 * tracking invalidations, agents' SYNC messages) are written by other clients' commands, which
 * must not wait for the slowest subscriber; without a bound, a subscriber that stopped reading
 * would hold every message published since, and the node would grow until it died.
 *
 * <p><b>How.</b> Before a push is written, on the receiving connection's loop, the bytes waiting
 * in its outbound buffer plus the push's are compared with the limits: at or over {@code hard}
 * the connection is closed at once; over {@code soft} for more than {@code softSeconds} (timed
 * with the node's clock from the first push that crossed it, reset by one that finds it below)
 * it is closed too. Closing releases everything queued for it and drops its subscriptions; the
 * push is released, not written. An agent so closed reconnects and repairs what it missed from
 * the SYNC backlog, as after any disconnect.
 */
final class PushBufferLimit {
  private static final Logger LOG = LoggerFactory.getLogger(PushBufferLimit.class);

  private final Clock clock;
  private final LongAdder disconnections = new LongAdder();
  private volatile OutputBufferLimits.Limit limit;

  PushBufferLimit(OutputBufferLimits limits, Clock clock) {
    this.clock = clock;
    this.limit = limits.pubsub();
  }

  /** Applies new limits to pushes from now on. */
  void limits(OutputBufferLimits limits) {
    this.limit = limits.pubsub();
  }

  /** Returns the clients closed for exceeding the limit since start (or CONFIG RESETSTAT). */
  long disconnections() {
    return disconnections.sum();
  }

  /** Forgets the disconnections counted so far (CONFIG RESETSTAT). */
  void resetStats() {
    disconnections.reset();
  }

  /**
   * Returns whether {@code to} may be sent a push of {@code bytes} bytes; if not, it is closed
   * (or was already) and the caller releases the push. Runs on {@code to}'s event loop.
   */
  boolean admit(Session to, int bytes) {
    Channel ch = to.channel;
    if (!ch.isActive()) {
      return false;
    }
    OutputBufferLimits.Limit l = limit;
    if (l.unlimited()) {
      return true;
    }
    long pending = pendingBytes(ch) + bytes;
    if (l.hard() > 0 && pending >= l.hard()) {
      return close(to, pending, "hard limit " + l.hard());
    }
    if (l.soft() > 0 && pending > l.soft()) {
      long now = clock.millis();
      if (to.softLimitSince == Long.MIN_VALUE) {
        to.softLimitSince = now;
      } else if (now - to.softLimitSince > l.softSeconds() * 1000) {
        return close(to, pending, "soft limit " + l.soft() + " for " + l.softSeconds() + "s");
      }
    } else {
      to.softLimitSince = Long.MIN_VALUE;
    }
    return true;
  }

  /** Returns the bytes written to {@code ch} and not yet taken by the kernel. */
  static long pendingBytes(Channel ch) {
    ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
    return out == null ? 0 : out.totalPendingWriteBytes();
  }

  private boolean close(Session to, long pending, String which) {
    disconnections.increment();
    LOG.warn("closing client id={} addr={}: {} bytes of pushes waiting to be sent, over the "
        + "pubsub {} of client-output-buffer-limit", to.id, to.channel.remoteAddress(), pending,
        which);
    to.channel.close();
    return false;
  }
}
