package io.tiercel.bench.load;

import java.nio.ByteBuffer;

/** RESP2 requests ({@code GET}, {@code SET ... EX}) and the replies to them (RESP2 or RESP3). */
final class RespProtocol implements WireProtocol {
  private final Values values;

  RespProtocol(Values values) {
    this.values = values;
  }

  @Override
  public void get(ByteBuffer out, int key) {
    Ascii.put(out, "*2\r\n$3\r\nGET\r\n$");
    Ascii.putLong(out, values.keyLength(key));
    Ascii.crlf(out);
    values.writeKey(out, key);
    Ascii.crlf(out);
  }

  @Override
  public void set(ByteBuffer out, int key, int length, long ttlSeconds) {
    Ascii.put(out, ttlSeconds > 0 ? "*5\r\n$3\r\nSET\r\n$" : "*3\r\n$3\r\nSET\r\n$");
    Ascii.putLong(out, values.keyLength(key));
    Ascii.crlf(out);
    values.writeKey(out, key);
    Ascii.put(out, "\r\n$");
    Ascii.putLong(out, length);
    Ascii.crlf(out);
    values.writeValue(out, key, length);
    Ascii.crlf(out);
    if (ttlSeconds > 0) {
      Ascii.put(out, "$2\r\nEX\r\n$");
      Ascii.putLong(out, Values.digits(ttlSeconds));
      Ascii.crlf(out);
      Ascii.putLong(out, ttlSeconds);
      Ascii.crlf(out);
    }
  }

  @Override
  public boolean parse(ByteBuffer in, Reply reply) throws ProtocolViolation {
    int start = in.position();
    int limit = in.limit();
    if (limit - start < 3) {
      return false;
    }
    int cr = Ascii.findCrlf(in, start + 1, limit);
    if (cr < 0) {
      return false;
    }
    byte type = in.get(start);
    switch (type) {
      case '+' -> {
        if (cr - start == 3 && in.get(start + 1) == 'O' && in.get(start + 2) == 'K') {
          reply.set(Reply.Kind.STORED);
        } else {
          reply.text(Reply.Kind.UNEXPECTED, Ascii.text(in, start, cr));
        }
      }
      case '-' -> reply.text(Reply.Kind.ERROR, Ascii.text(in, start + 1, cr));
      case ':' -> reply.text(Reply.Kind.UNEXPECTED, Ascii.text(in, start, cr));
      case '_' -> reply.set(Reply.Kind.MISS);
      case '$' -> {
        long length = Ascii.parseLong(in, start + 1, cr);
        if (length == -1) {
          reply.set(Reply.Kind.MISS);
          break;
        }
        if (length < 0 || length > Integer.MAX_VALUE - 64) {
          throw new ProtocolViolation("bad bulk length: " + Ascii.text(in, start, cr));
        }
        int data = cr + 2;
        int end = data + (int) length;
        if (end + 2 > limit) {
          return false;
        }
        if (in.get(end) != Ascii.CR || in.get(end + 1) != Ascii.LF) {
          throw new ProtocolViolation("bulk string of " + length + " bytes not ended by CRLF");
        }
        reply.value(data, (int) length);
        in.position(end + 2);
        return true;
      }
      default -> throw new ProtocolViolation(
          "unexpected RESP type byte 0x" + Integer.toHexString(type & 0xff));
    }
    in.position(cr + 2);
    return true;
  }
}
