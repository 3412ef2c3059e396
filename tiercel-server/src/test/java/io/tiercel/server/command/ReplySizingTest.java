package io.tiercel.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A batch's reply buffer starts at the size the previous batch ended with, within bounds. */
class ReplySizingTest {
  private final Reply reply = new Reply(new UnpooledByteBufAllocator(false));

  @Test
  void aBatchStartsWithRoomForWhatThePreviousBatchWrote() {
    byte[] value = new byte[100];
    for (int i = 0; i < 16; i++) {
      reply.bulk(value);
    }
    ByteBuf first = reply.take();
    int written = first.readableBytes();
    assertThat(written).isEqualTo(16 * 108);
    first.release();

    reply.ok();
    ByteBuf second = reply.take();
    assertThat(second.capacity()).isGreaterThanOrEqualTo(written);
    assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
    second.release();
  }

  @Test
  void aSmallBatchBringsTheNextBufferBackToTheMinimum() {
    reply.bulk(new byte[5000]);
    reply.take().release();
    reply.ok();
    reply.take().release();

    reply.ok();
    ByteBuf third = reply.take();
    assertThat(third.capacity()).isEqualTo(512);
    third.release();
  }

  @Test
  void oneHugeBatchDoesNotMakeTheNextBufferHuge() {
    reply.bulk(new byte[1 << 20]);
    reply.take().release();

    reply.ok();
    ByteBuf next = reply.take();
    assertThat(next.capacity()).isEqualTo(64 << 10);
    next.release();
  }

  @Test
  void takingWithNothingWrittenKeepsTheGuess() {
    reply.bulk(new byte[3000]);
    reply.take().release();
    assertThat(reply.take()).isNull();

    reply.ok();
    ByteBuf next = reply.take();
    assertThat(next.capacity()).isGreaterThanOrEqualTo(3000);
    next.release();
  }
}
