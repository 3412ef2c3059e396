package io.tiercel.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CoalescedFlushTest {

  /** Counts the flushes that reach the channel. */
  private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  private static ByteBuf text(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
  }

  private static String read(EmbeddedChannel ch) {
    ByteBuf b = ch.readOutbound();
    try {
      return b.toString(StandardCharsets.US_ASCII);
    } finally {
      b.release();
    }
  }

  @Test
  void writesOfOneTurnLeaveInOrderWithOneFlushAtTheTurnsEnd() {
    FlushCounter counter = new FlushCounter();
    EmbeddedChannel ch = new EmbeddedChannel(counter);
    CoalescedFlush flush = new CoalescedFlush(ch);

    flush.write(text("a"));
    flush.write(text("b"));
    flush.write(text("c"));
    assertThat((Object) ch.readOutbound()).as("nothing leaves before the turn ends").isNull();
    assertThat(counter.flushes).isZero();

    ch.runPendingTasks();
    assertThat(counter.flushes).isEqualTo(1);
    assertThat(read(ch)).isEqualTo("a");
    assertThat(read(ch)).isEqualTo("b");
    assertThat(read(ch)).isEqualTo("c");

    flush.write(text("d"));
    ch.runPendingTasks();
    assertThat(counter.flushes).as("a later turn flushes again").isEqualTo(2);
    assertThat(read(ch)).isEqualTo("d");
    ch.finishAndReleaseAll();
  }
}
