package io.tiercel.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class ClientReadsTest {
  /** The size of the SET redis-benchmark sends with a 16-byte key and a 100-byte value. */
  private static final int SET_REQUEST = 144;

  @Test
  void requestsOfOneSizeNeverFillTheReadBufferSoNoReadIsRepeatedForNothing() {
    Reads reads = new Reads(Transports.CLIENT_READS);
    for (int i = 0; i < 1000; i++) {
      reads.read(SET_REQUEST);
    }
    assertThat(reads.repeated).isZero();
    assertThat(reads.lastGuess).isEqualTo(2048);
  }

  @Test
  void nettysDefaultShrinksToTheRequestAndThenRepeatsReads() {
    // Why the floor: the default settles on a 144-byte buffer that each request fills exactly,
    // after which Netty reads again at once and the socket has nothing (EAGAIN). Up to 16 reads
    // an event, as Netty's epoll channel sets for its default allocator.
    Reads reads = new Reads(new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(16));
    for (int i = 0; i < 1000; i++) {
      reads.read(SET_REQUEST);
    }
    assertThat(reads.repeated).isGreaterThan(50);
  }

  @Test
  void pipelinedBurstsGrowTheBufferAndAreReadUpToSixteenTimesAnEvent() {
    Reads reads = new Reads(Transports.CLIENT_READS);
    reads.read(1 << 20);
    assertThat(reads.readsInLastEvent).isEqualTo(16);
    for (int i = 0; i < 10; i++) {
      reads.read(64 << 10);
    }
    assertThat(reads.lastGuess).isEqualTo(64 << 10);
  }

  /** One connection's reads as the epoll transport drives its allocator handle. */
  private static final class Reads {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final RecvByteBufAllocator.ExtendedHandle handle;
    int repeated;
    int lastGuess;
    int readsInLastEvent;

    Reads(RecvByteBufAllocator allocator) {
      handle = (RecvByteBufAllocator.ExtendedHandle) allocator.newHandle();
    }

    /** One read event that finds {@code available} bytes waiting, read until none is left. */
    void read(int available) {
      handle.reset(channel.config());
      int left = available;
      readsInLastEvent = 0;
      do {
        readsInLastEvent++;
        ByteBuf buffer = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        lastGuess = buffer.writableBytes();
        if (left == 0) {
          repeated++;
        }
        handle.attemptedBytesRead(buffer.writableBytes());
        int n = Math.min(left, buffer.writableBytes());
        left -= n;
        handle.lastBytesRead(n == 0 ? -1 : n);
        handle.incMessagesRead(1);
        buffer.release();
      } while (handle.lastBytesRead() > 0 && handle.continueReading());
      handle.readComplete();
    }
  }
}
