package io.tiercel.server.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.tiercel.core.Cache;
import io.tiercel.core.ValueReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link Reply} as the {@link io.tiercel.core.ValueReader} of a GET: a read the cache discards
 * (its value was overwritten in place while it was copied) leaves nothing in the batch.
 */
class ReplyReadTest {
  private final Reply reply = new Reply(new UnpooledByteBufAllocator(false));

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Takes the reply's batch and returns it as text, releasing the buffer. */
  private String takeText() {
    ByteBuf batch = reply.take();
    try {
      return batch.toString(StandardCharsets.US_ASCII);
    } finally {
      batch.release();
    }
  }

  @Test
  void aDiscardedReadTakesBackItsBulkStringAndNothingBefore() {
    reply.ok();
    reply.read(b("xxold"), 2, 3, Cache.NO_EXPIRY);
    reply.discard();
    reply.read(b("new"), 0, 3, Cache.NO_EXPIRY);

    assertThat(takeText()).isEqualTo("+OK\r\n$3\r\nnew\r\n");
  }

  @Test
  void aDiscardedReadThroughAnotherWriterTakesBackWhatThatWriterWrote() {
    ValueReader<Boolean> firstTwo = reply.rewinding((array, offset, length, expireAt) -> {
      reply.bulk(Arrays.copyOfRange(array, offset, offset + 2));
      return Boolean.TRUE;
    });
    reply.ok();
    firstTwo.read(b("old"), 0, 3, Cache.NO_EXPIRY);
    firstTwo.discard();
    firstTwo.read(b("new"), 0, 3, Cache.NO_EXPIRY);

    assertThat(takeText()).isEqualTo("+OK\r\n$2\r\nne\r\n");
  }

  @Test
  void aDiscardedFirstReadLeavesAnEmptyBatch() {
    reply.read(b("value"), 0, 5, Cache.NO_EXPIRY);
    reply.discard();

    assertThat(reply.pending()).isZero();
    reply.release();
  }
}
