package io.tiercel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tiercel.agent.upstream.ReplyFramer;
import io.tiercel.protocol.resp.RespProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing node replies at every split point, and parsing pub/sub pushes. */
class ReplyFramerTest {
  private static final String REPLIES = "+OK\r\n-ERR x\r\n:42\r\n$3\r\nabc\r\n$-1\r\n*-1\r\n"
      + "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n*2\r\n:1\r\n$0\r\n\r\n";
  private static final int[] ENDS = {5, 13, 18, 27, 32, 37, 76};

  @Test
  void framesEveryReplyAndReportsIncompleteAtEverySplitPoint() {
    byte[] all = REPLIES.getBytes(StandardCharsets.US_ASCII);
    assertThat(all.length).isEqualTo(ENDS[ENDS.length - 1]);
    for (int cut = 0; cut <= all.length; cut++) {
      ByteBuf buf = Unpooled.wrappedBuffer(all, 0, cut);
      int at = 0;
      for (int end : ENDS) {
        int got = ReplyFramer.frameEnd(buf, at);
        if (end <= cut) {
          assertThat(got).as("cut %d", cut).isEqualTo(end);
          at = end;
        } else {
          assertThat(got).as("cut %d", cut).isEqualTo(-1);
          break;
        }
      }
      buf.release();
    }
  }

  @Test
  void parsesPushArrays() {
    Object o = ReplyFramer.parse("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$3\r\nhey\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    assertThat(o).isInstanceOf(List.class);
    List<?> l = (List<?>) o;
    assertThat(new String((byte[]) l.get(2), StandardCharsets.US_ASCII)).isEqualTo("hey");
  }

  @Test
  void rejectsUnknownTypesAndBadLengths() {
    ByteBuf bad = Unpooled.copiedBuffer("?x\r\n", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> ReplyFramer.frameEnd(bad, 0))
        .isInstanceOf(RespProtocolException.class);
    bad.release();
    ByteBuf len = Unpooled.copiedBuffer("$1x\r\n", StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> ReplyFramer.frameEnd(len, 0))
        .isInstanceOf(RespProtocolException.class);
    len.release();
  }
}
