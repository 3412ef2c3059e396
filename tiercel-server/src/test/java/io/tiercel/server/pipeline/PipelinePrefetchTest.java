package io.tiercel.server.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.Caches;
import io.tiercel.core.Clock;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.RemovalListener;
import io.tiercel.protocol.resp.RespDecoder;
import io.tiercel.protocol.resp.RespLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelinePrefetchTest {
  private final Cache cache = Caches.create(
      "test", CacheConfig.builder().build(), Clock.system(), RemovalListener.none());

  private static ByteBuf gets(int from, int to) {
    StringBuilder pipeline = new StringBuilder();
    for (int i = from; i < to; i++) {
      String key = "k" + i;
      pipeline.append("*2\r\n$3\r\nGET\r\n$").append(key.length()).append("\r\n").append(key)
          .append("\r\n");
    }
    return Unpooled.copiedBuffer(pipeline, StandardCharsets.US_ASCII);
  }

  private static String keysOf(KeyBatch batch) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < batch.count(); i++) {
      keys.add(new String(batch.bytes(), batch.offset(i), batch.length(i), StandardCharsets.US_ASCII));
    }
    return String.join(",", keys);
  }

  /**
   * Runs the handler's sequence over {@code in} (a look, then the decoder with a call per
   * command), checking every command is still decoded; returns each distinct look's keys.
   */
  private List<String> looksWhileDecoding(ByteBuf in, int commandCount) {
    RespDecoder decoder = new RespDecoder(RespLimits.defaults());
    PipelinePrefetch prefetch = new PipelinePrefetch();
    List<String> looks = new ArrayList<>();
    prefetch.lookAhead(decoder, in, cache);
    looks.add(keysOf(prefetch.batch()));
    List<String> commands = new ArrayList<>();
    decoder.decode(in, args -> {
      prefetch.onCommand(decoder, in, cache);
      String keys = keysOf(prefetch.batch());
      if (!keys.equals(looks.get(looks.size() - 1))) {
        looks.add(keys);
      }
      commands.add(args.string(1));
      return true;
    });
    assertThat(String.join(",", commands)).isEqualTo(keys(0, commandCount));
    return looks;
  }

  private static String keys(int from, int to) {
    List<String> keys = new ArrayList<>();
    for (int i = from; i < to; i++) {
      keys.add("k" + i);
    }
    return String.join(",", keys);
  }

  @Test
  void aLongPipelineIsLookedAtSixteenCommandsAheadAsItRuns() {
    ByteBuf in = gets(0, 40);
    try {
      assertThat(looksWhileDecoding(in, 40))
          .containsExactly(keys(0, 16), keys(16, 32), keys(32, 40));
    } finally {
      in.release();
    }
  }

  @Test
  void aLoneCommandIsLookedAtOnceAndNothingFollows() {
    ByteBuf in = gets(0, 1);
    try {
      assertThat(looksWhileDecoding(in, 1)).containsExactly("k0");
    } finally {
      in.release();
    }
  }

  @Test
  void keysLongerThanTheLimitAreLeftOutOfTheLook() {
    String longKey = "x".repeat(KeyBatch.MAX_KEY_LENGTH + 1);
    ByteBuf in = Unpooled.copiedBuffer("*2\r\n$3\r\nGET\r\n$" + longKey.length() + "\r\n" + longKey
        + "\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n", StandardCharsets.US_ASCII);
    try {
      PipelinePrefetch prefetch = new PipelinePrefetch();
      prefetch.lookAhead(new RespDecoder(RespLimits.defaults()), in, cache);
      assertThat(keysOf(prefetch.batch())).isEqualTo("a");
      assertThat(in.readerIndex()).isZero();
    } finally {
      in.release();
    }
  }
}
