package io.tiercel.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RespWriterTest {

  private static String write(Consumer<ByteBuf> writer) {
    ByteBuf out = Unpooled.buffer(4);
    try {
      writer.accept(out);
      return out.toString(StandardCharsets.UTF_8);
    } finally {
      out.release();
    }
  }

  @Test
  void integersOfEverySizeAreWrittenInDecimal() {
    for (long v : new long[] {0, -1, 7, 127, 128, 99, 100, -100, 123456789012L,
        Long.MAX_VALUE, Long.MIN_VALUE}) {
      assertThat(write(out -> RespWriter.integer(out, v))).isEqualTo(":" + v + "\r\n");
      assertThat(RespWriter.decimalLength(v)).isEqualTo(Long.toString(v).length());
    }
  }

  @Test
  void bulkStringsCarryTheirByteLength() {
    assertThat(write(out -> RespWriter.bulk(out, "héllo"))).isEqualTo("$6\r\nhéllo\r\n");
    assertThat(write(out -> RespWriter.bulk(out, new byte[0]))).isEqualTo("$0\r\n\r\n");
    assertThat(write(out -> RespWriter.bulk(out, -42L))).isEqualTo("$3\r\n-42\r\n");
  }

  @Test
  void resp3TypesFallBackToResp2Encodings() {
    assertThat(write(out -> RespWriter.mapHeader(out, true, 2))).isEqualTo("%2\r\n");
    assertThat(write(out -> RespWriter.mapHeader(out, false, 2))).isEqualTo("*4\r\n");
    assertThat(write(out -> RespWriter.nullBulk(out, true))).isEqualTo("_\r\n");
    assertThat(write(out -> RespWriter.nullBulk(out, false))).isEqualTo("$-1\r\n");
    assertThat(write(out -> RespWriter.bool(out, true, true))).isEqualTo("#t\r\n");
    assertThat(write(out -> RespWriter.bool(out, false, true))).isEqualTo(":1\r\n");
    assertThat(write(out -> RespWriter.doubleValue(out, true, 1.5))).isEqualTo(",1.5\r\n");
    assertThat(write(out -> RespWriter.doubleValue(out, false, 1.5))).isEqualTo("$3\r\n1.5\r\n");
    assertThat(write(out -> RespWriter.pushHeader(out, true, 3))).isEqualTo(">3\r\n");
    assertThat(write(out -> RespWriter.verbatim(out, true, "txt", "a")))
        .isEqualTo("=5\r\ntxt:a\r\n");
  }

  @Test
  void errorsNeverContainLineBreaks() {
    assertThat(write(out -> RespWriter.error(out, "ERR a\r\nb"))).isEqualTo("-ERR a  b\r\n");
  }

  @Test
  void doublesFormatLikeRedisIncrByFloat() {
    assertThat(RespWriter.formatDouble(10.5 + 0.1)).isEqualTo("10.6");
    assertThat(RespWriter.formatDouble(3.0)).isEqualTo("3");
    assertThat(RespWriter.formatDouble(1e20)).isEqualTo("100000000000000000000");
    assertThat(RespWriter.formatDouble(-0.25)).isEqualTo("-0.25");
    assertThat(RespWriter.formatDouble(Double.POSITIVE_INFINITY)).isEqualTo("inf");
  }
}
