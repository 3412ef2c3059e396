package io.tiercel.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireProtocolTest {
  private final Values values = new Values("key:", 1000);

  @Test
  void respRequestsAreWellFormedCommands() {
    RespProtocol resp = new RespProtocol(values);
    ByteBuffer out = ByteBuffer.allocate(2000);
    resp.get(out, 42);
    resp.set(out, 7, 5, 60);
    String expected = "*2\r\n$3\r\nGET\r\n$6\r\nkey:42\r\n"
        + "*5\r\n$3\r\nSET\r\n$5\r\nkey:7\r\n$5\r\n"
        + new String(values.value(7, 5), StandardCharsets.US_ASCII)
        + "\r\n$2\r\nEX\r\n$2\r\n60\r\n";
    assertThat(new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII))
        .isEqualTo(expected);
  }

  @Test
  void respRepliesDecodeAtEverySplitPoint() throws Exception {
    String value = new String(values.value(3, 20), StandardCharsets.US_ASCII);
    String stream = "+OK\r\n$20\r\n" + value + "\r\n$-1\r\n_\r\n-ERR boom\r\n:5\r\n";
    Reply.Kind[] kinds = {Reply.Kind.STORED, Reply.Kind.VALUE, Reply.Kind.MISS, Reply.Kind.MISS,
        Reply.Kind.ERROR, Reply.Kind.UNEXPECTED};
    assertDecodesAtEverySplit(new RespProtocol(values), stream, kinds, 3);
  }

  @Test
  void memcacheRepliesDecodeAtEverySplitPoint() throws Exception {
    String value = new String(values.value(3, 20), StandardCharsets.US_ASCII);
    String stream = "STORED\r\nVALUE key:3 0 20\r\n" + value + "\r\nEND\r\nEND\r\n"
        + "SERVER_ERROR out of memory\r\nNOT_STORED\r\n";
    Reply.Kind[] kinds = {Reply.Kind.STORED, Reply.Kind.VALUE, Reply.Kind.MISS,
        Reply.Kind.ERROR, Reply.Kind.UNEXPECTED};
    assertDecodesAtEverySplit(new MemcacheProtocol(values), stream, kinds, 3);
  }

  @Test
  void memcacheRequestsAreTextCommands() {
    MemcacheProtocol mc = new MemcacheProtocol(values);
    ByteBuffer out = ByteBuffer.allocate(2000);
    mc.get(out, 1);
    mc.set(out, 2, 3, 0);
    assertThat(new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII))
        .isEqualTo("get key:1\r\nset key:2 0 0 3\r\n"
            + new String(values.value(2, 3), StandardCharsets.US_ASCII) + "\r\n");
  }

  @Test
  void garbageIsAProtocolViolation() {
    assertThatThrownBy(() -> new RespProtocol(values).parse(buffer("?what\r\n"), new Reply()))
        .isInstanceOf(WireProtocol.ProtocolViolation.class);
    assertThatThrownBy(() -> new MemcacheProtocol(values).parse(buffer("HELLO\r\n"), new Reply()))
        .isInstanceOf(WireProtocol.ProtocolViolation.class);
    assertThatThrownBy(() -> new RespProtocol(values).parse(buffer("$3\r\nabcd\r\n"), new Reply()))
        .isInstanceOf(WireProtocol.ProtocolViolation.class);
  }

  @Test
  void aValueMatchesOnlyItsOwnKeyAndLength() {
    byte[] v = values.value(5, 100);
    ByteBuffer in = ByteBuffer.wrap(v);
    assertThat(values.matches(in, 0, 100, 5)).isTrue();
    assertThat(values.matches(in, 0, 60, 5)).isTrue(); // a shorter SET writes a prefix
    assertThat(values.matches(in, 0, 100, 6)).isFalse();
    v[50] ^= 1;
    assertThat(values.matches(in, 0, 100, 5)).isFalse();
  }

  private void assertDecodesAtEverySplit(WireProtocol protocol, String stream, Reply.Kind[] kinds,
      int valueKey) throws Exception {
    byte[] bytes = stream.getBytes(StandardCharsets.US_ASCII);
    for (int split = 0; split <= bytes.length; split++) {
      ByteBuffer in = ByteBuffer.allocate(bytes.length);
      in.put(bytes, 0, split).flip();
      Reply reply = new Reply();
      int decoded = 0;
      boolean secondHalf = false;
      while (decoded < kinds.length) {
        if (protocol.parse(in, reply)) {
          assertThat(reply.kind).as("reply %d, split %d", decoded, split).isEqualTo(kinds[decoded]);
          if (reply.kind == Reply.Kind.VALUE) {
            assertThat(values.matches(in, reply.dataPosition, reply.dataLength, valueKey)).isTrue();
          }
          decoded++;
        } else {
          assertThat(secondHalf).as("stuck at reply %d, split %d", decoded, split).isFalse();
          in.compact();
          in.put(bytes, split, bytes.length - split).flip();
          secondHalf = true;
        }
      }
      assertThat(in.hasRemaining()).isFalse();
    }
  }

  private static ByteBuffer buffer(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }
}
