package io.tiercel.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CoalescedFlushTest {

  /** Counts the flushes that reach the channel; touched on its loop. */
  private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    volatile int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  /** Collects what the server side of the pair receives. */
  private static final class Received extends ChannelInboundHandlerAdapter {
    final StringBuffer text = new StringBuffer();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      text.append(b.toString(StandardCharsets.US_ASCII));
      b.release();
    }
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  @Test
  void writesOfOneTurnLeaveInOrderWithOneFlushAfterTheTurn() throws Exception {
    EventLoopGroup group = new DefaultEventLoopGroup(1);
    try {
      LocalAddress address = new LocalAddress("coalesced-flush-" + System.nanoTime());
      Received received = new Received();
      new ServerBootstrap().group(group).channel(LocalServerChannel.class)
          .childHandler(received).bind(address).sync();
      FlushCounter counter = new FlushCounter();
      Channel client = new Bootstrap().group(group).channel(LocalChannel.class).handler(counter)
          .connect(address).sync().channel();
      CoalescedFlush flush = new CoalescedFlush(client);

      int[] flushesDuringTurn = {-1};
      client.eventLoop().submit(() -> {
        flush.write(text("a"));
        flush.write(text("b"));
        flush.write(text("c"));
        flushesDuringTurn[0] = counter.flushes;
      }).sync();
      // Queued after the turn's flush task, so it runs once that flush has happened.
      client.eventLoop().submit(() -> { }).sync();

      assertThat(flushesDuringTurn[0]).as("no flush inside the turn").isZero();
      assertThat(counter.flushes).as("one flush for the turn's three writes").isEqualTo(1);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (received.text.length() < 3 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(received.text.toString()).isEqualTo("abc");
      client.close().sync();
    } finally {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
    }
  }
}
