package io.tiercel.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A connection writes its next batch into the last one's buffer once the transport let go. */
class ReplyReuseTest {
  private final Reply reply = new Reply(new UnpooledByteBufAllocator(false));

  @Test
  void aSentBatchsBufferCarriesTheNextBatchAlone() {
    reply.bulk("first");
    ByteBuf first = reply.take();
    first.release(); // the transport sent it

    reply.ok();
    ByteBuf second = reply.take();
    assertThat(second).isSameAs(first);
    assertThat(second.toString(StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
    assertThat(second.refCnt()).isEqualTo(2);
    second.release();
    reply.release();
    assertThat(second.refCnt()).isZero();
  }

  @Test
  void aBufferStillHeldByTheTransportIsNeverWrittenAgain() {
    reply.bulk("held");
    ByteBuf held = reply.take(); // not released: still queued or held for fsync

    reply.ok();
    ByteBuf next = reply.take();
    assertThat(next).isNotSameAs(held);
    assertThat(held.toString(StandardCharsets.US_ASCII)).isEqualTo("$4\r\nheld\r\n");
    assertThat(next.toString(StandardCharsets.US_ASCII)).isEqualTo("+OK\r\n");
    held.release();
    assertThat(held.refCnt()).isZero();
    next.release();
    reply.release();
    assertThat(next.refCnt()).isZero();
  }

  @Test
  void aBufferLargerThanTheKeepBoundIsFreedOnceSent() {
    reply.bulk(new byte[Reply.KEEP_CAPACITY * 2]);
    ByteBuf big = reply.take();
    big.release();
    assertThat(big.refCnt()).isZero();
  }

  @Test
  void aKeptBufferThatGrowsPastTheBoundIsHandedOverAndNotKept() {
    reply.ok();
    ByteBuf small = reply.take();
    small.release();

    reply.bulk(new byte[Reply.KEEP_CAPACITY * 2]);
    ByteBuf grown = reply.take();
    assertThat(grown).isSameAs(small);
    grown.release();
    assertThat(grown.refCnt()).isZero();

    reply.ok();
    ByteBuf next = reply.take();
    assertThat(next).isNotSameAs(grown);
    next.release();
    reply.release();
    assertThat(next.refCnt()).isZero();
  }

  @Test
  void closingFreesTheKeptAndTheUntakenBuffer() {
    reply.ok();
    ByteBuf kept = reply.take();
    kept.release();
    reply.ok(); // written into the kept buffer, never taken
    reply.release();
    assertThat(kept.refCnt()).isZero();
  }
}
