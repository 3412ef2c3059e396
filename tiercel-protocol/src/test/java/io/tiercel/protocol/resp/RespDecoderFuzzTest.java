package io.tiercel.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated frames never make the decoder throw anything but its protocol error, never
 * loop, and never leak a buffer. {@code -Dtiercel.fuzz.iterations=N} runs longer (default 5000).
 */
class RespDecoderFuzzTest {
  private static final String[] SEEDS = {
    "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n",
    "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n",
    "PING\r\n",
    "set \"a b\" 'c\\'d' \"\\x41\"\r\n",
    "*0\r\n",
    "*1\r\n$0\r\n\r\n",
  };
  private static final byte[] ALPHABET =
      "*$\r\n0123456789-+\"'\\x ab".getBytes(StandardCharsets.US_ASCII);

  @Test
  void randomAndMutatedFramesOnlyEverRaiseProtocolErrors() {
    int iterations = Integer.getInteger("tiercel.fuzz.iterations", 5_000);
    SplittableRandom random = new SplittableRandom(0x7137CE1L);
    RespLimits limits = new RespLimits(1024, 64, 256, 4096);
    long commands = 0;
    for (int i = 0; i < iterations; i++) {
      byte[] frame = frame(random);
      RespDecoder decoder = new RespDecoder(limits);
      decoder.setAuthenticated(random.nextInt(4) != 0);
      ByteBuf cumulation = PooledByteBufAllocator.DEFAULT.buffer(16);
      try {
        int from = 0;
        while (from < frame.length) {
          int chunk = 1 + random.nextInt(frame.length - from);
          cumulation.writeBytes(frame, from, chunk);
          from += chunk;
          int before = cumulation.readableBytes();
          decoder.decode(cumulation, args -> {
            for (int a = 0; a < args.count(); a++) {
              assertThat(args.length(a)).isBetween(0, 1024);
            }
            return true;
          });
          assertThat(cumulation.readableBytes()).isLessThanOrEqualTo(before);
          cumulation.discardSomeReadBytes();
        }
        commands++;
      } catch (RespProtocolException expected) {
        assertThat(expected.getMessage()).startsWith("Protocol error: ");
        assertThat(decoder.inCommand()).isFalse();
      } finally {
        assertThat(cumulation.release()).isTrue();
      }
    }
    assertThat(commands).isPositive();
  }

  /**
   * A frame read whole (the fast path for complete multibulks) gives the same commands and the
   * same protocol error as the same bytes fed one at a time (always the state machine).
   */
  @Test
  void wholeFramesDecodeExactlyAsByteByByte() {
    int iterations = Integer.getInteger("tiercel.fuzz.iterations", 5_000);
    SplittableRandom random = new SplittableRandom(0x51DE5L);
    RespLimits limits = new RespLimits(1024, 64, 256, 4096);
    for (int i = 0; i < iterations; i++) {
      byte[] frame = frame(random);
      boolean authenticated = random.nextInt(4) != 0;
      assertThat(decodeAll(frame, frame.length, limits, authenticated))
          .as("frame %s", new String(frame, StandardCharsets.ISO_8859_1))
          .isEqualTo(decodeAll(frame, 1, limits, authenticated));
    }
  }

  /** Decodes {@code frame} fed in chunks; returns the commands and any error, as text. */
  private static String decodeAll(byte[] frame, int chunk, RespLimits limits, boolean auth) {
    RespDecoder decoder = new RespDecoder(limits);
    decoder.setAuthenticated(auth);
    ByteBuf cumulation = PooledByteBufAllocator.DEFAULT.buffer(16);
    StringBuilder out = new StringBuilder();
    try {
      for (int from = 0; from < frame.length; from += chunk) {
        cumulation.writeBytes(frame, from, Math.min(chunk, frame.length - from));
        decoder.decode(cumulation, args -> {
          out.append(args).append(';');
          return true;
        });
      }
    } catch (RespProtocolException e) {
      out.append("error ").append(e.getMessage());
    } finally {
      cumulation.release();
    }
    return out.toString();
  }

  private static byte[] frame(SplittableRandom random) {
    if (random.nextInt(4) == 0) {
      byte[] noise = new byte[random.nextInt(64)];
      for (int i = 0; i < noise.length; i++) {
        noise[i] = random.nextBoolean()
            ? ALPHABET[random.nextInt(ALPHABET.length)] : (byte) random.nextInt(256);
      }
      return noise;
    }
    StringBuilder sb = new StringBuilder();
    int frames = 1 + random.nextInt(4);
    for (int f = 0; f < frames; f++) {
      sb.append(SEEDS[random.nextInt(SEEDS.length)]);
    }
    byte[] bytes = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    int mutations = random.nextInt(4);
    for (int m = 0; m < mutations && bytes.length > 0; m++) {
      int at = random.nextInt(bytes.length);
      switch (random.nextInt(3)) {
        case 0 -> bytes[at] = ALPHABET[random.nextInt(ALPHABET.length)];
        case 1 -> bytes[at] = (byte) random.nextInt(256);
        default -> {
          byte[] shorter = new byte[bytes.length - 1];
          System.arraycopy(bytes, 0, shorter, 0, at);
          System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
          bytes = shorter;
        }
      }
    }
    return bytes;
  }
}
