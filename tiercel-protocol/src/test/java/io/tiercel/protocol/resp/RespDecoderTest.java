package io.tiercel.protocol.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespDecoderTest {
  private static final String PIPELINE =
      "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n"
          + "PING\r\n"
          + "*1\r\n$4\r\nPING\r\n"
          + "*0\r\n"
          + "\r\n"
          + "set \"a b\" 'c\\'d' \"\\x41\\n\"\n"
          + "*2\r\n$3\r\nGET\r\n$0\r\n\r\n"
          + "*-1\r\n"
          + "  ECHO   x  \r\n";

  private static final List<List<String>> EXPECTED =
      List.of(
          List.of("SET", "k", "hello"),
          List.of("PING"),
          List.of("PING"),
          List.of("set", "a b", "c'd", "A\n"),
          List.of("GET", ""),
          List.of("ECHO", "x"));

  /** Feeds {@code data} in chunks ending at {@code cuts}, compacting between reads as a server. */
  static List<List<String>> decode(RespDecoder decoder, byte[] data, int... cuts) {
    List<List<String>> commands = new ArrayList<>();
    ByteBuf cumulation = Unpooled.buffer(8);
    try {
      int from = 0;
      int[] ends = new int[cuts.length + 1];
      System.arraycopy(cuts, 0, ends, 0, cuts.length);
      ends[cuts.length] = data.length;
      for (int end : ends) {
        cumulation.writeBytes(data, from, end - from);
        from = end;
        decoder.decode(cumulation, args -> {
          List<String> command = new ArrayList<>();
          for (int i = 0; i < args.count(); i++) {
            command.add(new String(args.bytes(i), StandardCharsets.ISO_8859_1));
          }
          commands.add(command);
          return true;
        });
        if ((end & 1) == 0) {
          cumulation.discardReadBytes();
        } else {
          // Move to a new buffer: positions must survive reallocation of the cumulation.
          ByteBuf moved = Unpooled.buffer(cumulation.readableBytes() + 1);
          moved.writeBytes(cumulation);
          cumulation.release();
          cumulation = moved;
        }
      }
      return commands;
    } finally {
      cumulation.release();
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void decodesPipelinedMultibulkAndInlineCommandsInOrder() {
    assertThat(decode(new RespDecoder(RespLimits.defaults()), bytes(PIPELINE))).isEqualTo(EXPECTED);
  }

  @Test
  void splittingThePipelineAtEveryBytePositionGivesTheSameCommands() {
    byte[] data = bytes(PIPELINE);
    for (int cut = 0; cut <= data.length; cut++) {
      RespDecoder decoder = new RespDecoder(RespLimits.defaults());
      assertThat(decode(decoder, data, cut)).as("cut at %d", cut).isEqualTo(EXPECTED);
      assertThat(decoder.inCommand()).isFalse();
    }
  }

  @Test
  void splittingAtEveryPairOfPositionsGivesTheSameCommands() {
    byte[] data = bytes("*2\r\n$4\r\nECHO\r\n$10\r\n0123456789\r\nPING x\r\n");
    List<List<String>> expected = List.of(List.of("ECHO", "0123456789"), List.of("PING", "x"));
    for (int a = 0; a <= data.length; a++) {
      for (int b = a; b <= data.length; b++) {
        assertThat(decode(new RespDecoder(RespLimits.defaults()), data, a, b))
            .as("cuts at %d and %d", a, b)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void feedingOneByteAtATimeGivesTheSameCommands() {
    byte[] data = bytes(PIPELINE);
    int[] cuts = new int[data.length - 1];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = i + 1;
    }
    assertThat(decode(new RespDecoder(RespLimits.defaults()), data, cuts)).isEqualTo(EXPECTED);
  }

  @Test
  void binaryBulkStringsKeepEveryByte() {
    byte[] frame = bytes("*2\r\n$4\r\nECHO\r\n$4\r\n\r\n\0\u00ff\r\n");
    List<List<String>> commands = decode(new RespDecoder(RespLimits.defaults()), frame);
    assertThat(commands).containsExactly(List.of("ECHO", "\r\n\0\u00ff"));
  }

  @Test
  void sinkReturningFalseStopsBeforeTheNextCommand() {
    ByteBuf in = Unpooled.copiedBuffer(bytes("PING\r\nPING\r\n"));
    try {
      RespDecoder decoder = new RespDecoder(RespLimits.defaults());
      List<String> seen = new ArrayList<>();
      boolean more = decoder.decode(in, args -> seen.add(args.string(0)) && false);
      assertThat(more).isFalse();
      assertThat(seen).containsExactly("PING");
      assertThat(in.readableBytes()).isEqualTo(6);
    } finally {
      in.release();
    }
  }

  @Test
  void argumentsParseAsRedisIntegers() {
    ByteBuf in = Unpooled.copiedBuffer(
        bytes("X 0 -1 12 9223372036854775807 -9223372036854775808 9223372036854775808"
            + " 01 -0 +1 1a '' -\r\n"));
    try {
      List<String> valid = new ArrayList<>();
      new RespDecoder(RespLimits.defaults()).decode(in, args -> {
        for (int i = 1; i < args.count(); i++) {
          valid.add(args.isLong(i) ? Long.toString(args.longValue(i)) : "invalid");
        }
        return true;
      });
      assertThat(valid).containsExactly("0", "-1", "12", "9223372036854775807",
          "-9223372036854775808", "invalid", "invalid", "invalid", "invalid", "invalid",
          "invalid", "invalid");
    } finally {
      in.release();
    }
  }

  @Test
  void malformedFramesFailWithRedisProtocolErrors() {
    assertProtocolError("*x\r\n", "Protocol error: invalid multibulk length");
    assertProtocolError("*1\r\n+PING\r\n", "Protocol error: expected '$', got '+'");
    assertProtocolError("*1\r\n$x\r\n", "Protocol error: invalid bulk length");
    assertProtocolError("*1\r\n$-1\r\n", "Protocol error: invalid bulk length");
    assertProtocolError("*1\r\n$4\r\nPINGxx", "Protocol error: expected CRLF after bulk data");
    assertProtocolError("*1\rx", "Protocol error: invalid multibulk length");
    assertProtocolError("*99999999999999999999999\r\n", "Protocol error: invalid multibulk length");
    assertProtocolError("SET \"a\n", "Protocol error: unbalanced quotes in request");
    assertProtocolError("SET \"a\"b\n", "Protocol error: unbalanced quotes in request");
    assertProtocolError("SET 'a\n", "Protocol error: unbalanced quotes in request");
  }

  @Test
  void limitsAreEnforcedWithClearErrors() {
    RespLimits small = new RespLimits(10, 3, 32, 64);
    assertProtocolError(small, "*4\r\n", "Protocol error: invalid multibulk length");
    assertProtocolError(small, "*1\r\n$11\r\n", "Protocol error: invalid bulk length");
    assertProtocolError(small, "PING " + "x".repeat(40), "Protocol error: too big inline request");
    assertProtocolError(small, "*" + "1".repeat(40), "Protocol error: too big mbulk count string");
    assertProtocolError(small, "*1\r\n$" + "1".repeat(40),
        "Protocol error: too big bulk count string");
    assertProtocolError(new RespLimits(10, 3, 32, 40),
        "*3\r\n$10\r\n0123456789\r\n$10\r\n0123456789\r\n$10\r\n01234",
        "Protocol error: query buffer length exceeds the client limit");
  }

  @Test
  void unauthenticatedClientsGetRedisTighterLimits() {
    RespDecoder decoder = new RespDecoder(RespLimits.defaults());
    decoder.setAuthenticated(false);
    assertThatThrownBy(() -> decode(decoder, bytes("*11\r\n")))
        .isInstanceOf(RespProtocolException.class)
        .hasMessage("Protocol error: unauthenticated multibulk length");
    assertThatThrownBy(() -> decode(decoder, bytes("*1\r\n$16385\r\n")))
        .isInstanceOf(RespProtocolException.class)
        .hasMessage("Protocol error: unauthenticated bulk length");
  }

  @Test
  void decoderIsUsableAgainAfterAnError() {
    RespDecoder decoder = new RespDecoder(RespLimits.defaults());
    assertThatThrownBy(() -> decode(decoder, bytes("*1\r\n$x\r\n")))
        .isInstanceOf(RespProtocolException.class);
    assertThat(decoder.inCommand()).isFalse();
    assertThat(decode(decoder, bytes("PING\r\n"))).containsExactly(List.of("PING"));
  }

  /** Runs {@link RespDecoder#lookahead} over {@code data}; returns the commands found, then keys. */
  private static List<String> lookahead(RespDecoder decoder, String data, int max) {
    ByteBuf in = Unpooled.wrappedBuffer(bytes(data));
    try {
      List<String> seen = new ArrayList<>();
      int found = decoder.lookahead(in, max,
          (buf, index, length) -> seen.add(buf.toString(index, length, StandardCharsets.ISO_8859_1)));
      assertThat(in.readerIndex()).as("consumes nothing").isZero();
      seen.add(0, String.valueOf(found));
      return seen;
    } finally {
      in.release();
    }
  }

  @Test
  void lookaheadHandsOverTheFirstArgumentOfEachWholeCommandAndConsumesNothing() {
    RespDecoder decoder = new RespDecoder(RespLimits.defaults());
    String pipeline = "*3\r\n$3\r\nSET\r\n$2\r\nk1\r\n$5\r\nhello\r\n"
        + "*1\r\n$4\r\nPING\r\n"
        + "*2\r\n$3\r\nGET\r\n$0\r\n\r\n"
        + "*2\r\n$3\r\nGET\r\n$2\r\nk2\r\n";
    // PING counts as a command but has no argument to hand over.
    assertThat(lookahead(decoder, pipeline, 16)).containsExactly("4", "k1", "", "k2");
    // The decoder then reads the same commands as if no lookahead had happened.
    assertThat(decode(decoder, bytes(pipeline))).containsExactly(
        List.of("SET", "k1", "hello"), List.of("PING"), List.of("GET", ""), List.of("GET", "k2"));
  }

  @Test
  void lookaheadStopsAtAPartialCommandAnInlineCommandOrTheMaximum() {
    RespDecoder decoder = new RespDecoder(RespLimits.defaults());
    String get = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n";
    assertThat(lookahead(decoder, get + "*2\r\n$3\r\nGET\r\n$5\r\nab", 16))
        .containsExactly("1", "a");
    assertThat(lookahead(decoder, get + "*2\r\n$3\r\nGET\r\n$1", 16)).containsExactly("1", "a");
    assertThat(lookahead(decoder, get + "GET b\r\n" + get, 16)).containsExactly("1", "a");
    assertThat(lookahead(decoder, get + get + get, 2)).containsExactly("2", "a", "a");
    assertThat(lookahead(decoder, "", 16)).containsExactly("0");
  }

  @Test
  void lookaheadStopsAtMalformedOrOversizedCommandsAndLeavesTheirErrorsToTheDecoder() {
    RespLimits limits = new RespLimits(8, 3, 64, 1 << 20);
    RespDecoder decoder = new RespDecoder(limits);
    String get = "*2\r\n$3\r\nGET\r\n$1\r\na\r\n";
    assertThat(lookahead(decoder, get + "*2\r\n$3\r\nGET\r\n$9\r\n123456789\r\n", 16))
        .containsExactly("1", "a");
    assertThat(lookahead(decoder, get + "*4\r\n$1\r\na\r\n", 16)).containsExactly("1", "a");
    assertThat(lookahead(decoder, get + "*2\r\n$3\r\nGET\r\n$-1\r\n", 16))
        .containsExactly("1", "a");
    assertThat(lookahead(decoder, "*x\r\n" + get, 16)).containsExactly("0");
    assertThat(lookahead(decoder, "*0\r\n" + get, 16)).containsExactly("0");
    assertThatThrownBy(() -> decode(decoder, bytes(get + "*2\r\n$3\r\nGET\r\n$9\r\n")))
        .isInstanceOf(RespProtocolException.class)
        .hasMessage("Protocol error: invalid bulk length");
  }

  @Test
  void lookaheadFindsNothingBeforeTheClientAuthenticates() {
    RespDecoder decoder = new RespDecoder(RespLimits.defaults());
    decoder.setAuthenticated(false);
    assertThat(lookahead(decoder, "*2\r\n$3\r\nGET\r\n$1\r\na\r\n", 16)).containsExactly("0");
  }

  private static void assertProtocolError(String frame, String message) {
    assertProtocolError(RespLimits.defaults(), frame, message);
  }

  private static void assertProtocolError(RespLimits limits, String frame, String message) {
    byte[] data = bytes(frame);
    // Whole, then split at every position: the same error whichever way the bytes arrive.
    for (int cut = 0; cut <= data.length; cut++) {
      RespDecoder decoder = new RespDecoder(limits);
      int at = cut;
      assertThatThrownBy(() -> decode(decoder, data, at))
          .as("frame %s cut at %d", frame.replace("\r\n", "\\r\\n"), cut)
          .isInstanceOf(RespProtocolException.class)
          .hasMessage(message);
    }
  }
}
