package io.tiercel.bench.load;

import java.nio.ByteBuffer;

/**
 * The memcached text protocol: {@code get <key>} and {@code set <key> 0 <ttl> <bytes>}, with
 * their replies {@code VALUE ... END}, {@code END}, {@code STORED} and the three error lines.
 */
final class MemcacheProtocol implements WireProtocol {
  private static final byte[] END = {'E', 'N', 'D', '\r', '\n'};

  private final Values values;

  MemcacheProtocol(Values values) {
    this.values = values;
  }

  @Override
  public void get(ByteBuffer out, int key) {
    Ascii.put(out, "get ");
    values.writeKey(out, key);
    Ascii.crlf(out);
  }

  @Override
  public void set(ByteBuffer out, int key, int length, long ttlSeconds) {
    Ascii.put(out, "set ");
    values.writeKey(out, key);
    Ascii.put(out, " 0 ");
    Ascii.putLong(out, ttlSeconds);
    out.put((byte) ' ');
    Ascii.putLong(out, length);
    Ascii.crlf(out);
    values.writeValue(out, key, length);
    Ascii.crlf(out);
  }

  @Override
  public boolean parse(ByteBuffer in, Reply reply) throws ProtocolViolation {
    int start = in.position();
    int limit = in.limit();
    int cr = Ascii.findCrlf(in, start, limit);
    if (cr < 0) {
      return false;
    }
    int next = cr + 2;
    if (startsWith(in, start, cr, "VALUE ")) {
      // VALUE <key> <flags> <bytes> [<cas>]
      int fieldStart = start;
      int field = 0;
      long length = -1;
      for (int i = start; i <= cr; i++) {
        if (i == cr || in.get(i) == ' ') {
          if (field == 3) {
            length = Ascii.parseLong(in, fieldStart, i);
          }
          field++;
          fieldStart = i + 1;
        }
      }
      if (length < 0 || length > Integer.MAX_VALUE - 64) {
        throw new ProtocolViolation("bad VALUE line: " + Ascii.text(in, start, cr));
      }
      int data = next;
      int end = data + (int) length;
      if (end + 2 + END.length > limit) {
        return false;
      }
      if (in.get(end) != Ascii.CR || in.get(end + 1) != Ascii.LF
          || !startsWith(in, end + 2, end + 2 + END.length, "END\r\n")) {
        throw new ProtocolViolation("VALUE of " + length + " bytes not followed by CRLF END");
      }
      reply.value(data, (int) length);
      in.position(end + 2 + END.length);
      return true;
    }
    if (is(in, start, cr, "END")) {
      reply.set(Reply.Kind.MISS);
    } else if (is(in, start, cr, "STORED")) {
      reply.set(Reply.Kind.STORED);
    } else if (is(in, start, cr, "NOT_STORED") || is(in, start, cr, "EXISTS")
        || is(in, start, cr, "NOT_FOUND")) {
      reply.text(Reply.Kind.UNEXPECTED, Ascii.text(in, start, cr));
    } else if (is(in, start, cr, "ERROR") || startsWith(in, start, cr, "CLIENT_ERROR")
        || startsWith(in, start, cr, "SERVER_ERROR")) {
      reply.text(Reply.Kind.ERROR, Ascii.text(in, start, cr));
    } else {
      throw new ProtocolViolation("unexpected memcached reply: " + Ascii.text(in, start, cr));
    }
    in.position(next);
    return true;
  }

  private static boolean is(ByteBuffer in, int from, int to, String word) {
    return to - from == word.length() && startsWith(in, from, to, word);
  }

  private static boolean startsWith(ByteBuffer in, int from, int to, String prefix) {
    if (to - from < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (in.get(from + i) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
