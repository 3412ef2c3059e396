package io.tiercel.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One complete RESP2 or RESP3 reply as read off the wire: its type byte, its header or scalar
 * text, its children (aggregates) and the exact bytes it came in, for byte-for-byte comparison.
 *
 * @param type the type byte: {@code + - : $ * % ~ > _ , # ( = |}
 * @param text the header line without type byte and CRLF, or the payload of a bulk/verbatim
 * @param children the elements of an aggregate (a map's keys and values alternate); else empty
 * @param raw the exact bytes of the reply, as ISO-8859-1 text
 */
record RespValue(char type, String text, List<RespValue> children, String raw) {
  /** Limits what a broken peer can make the reader buffer. */
  private static final int MAX_LINE = 1 << 20;
  private static final int MAX_BULK = 64 << 20;

  /** Reads one reply from {@code in}; an attribute ({@code |}) is kept as part of what follows. */
  static RespValue read(InputStream in) throws IOException {
    return read(in, new ByteArrayOutputStream());
  }

  private static RespValue read(InputStream in, ByteArrayOutputStream raw) throws IOException {
    int start = raw.size();
    int t = in.read();
    if (t < 0) {
      throw new EOFException("connection closed before a reply");
    }
    raw.write(t);
    String line = line(in, raw);
    char type = (char) t;
    List<RespValue> children = new ArrayList<>();
    String text = line;
    switch (type) {
      case '$', '=' -> {
        int length = Integer.parseInt(line);
        if (length >= 0) {
          if (length > MAX_BULK) {
            throw new IOException("bulk of " + length + " bytes is too long for a test");
          }
          byte[] payload = in.readNBytes(length + 2);
          if (payload.length != length + 2) {
            throw new EOFException("connection closed inside a bulk string");
          }
          raw.write(payload, 0, payload.length);
          text = new String(payload, 0, length, StandardCharsets.ISO_8859_1);
        } else {
          text = null;
        }
      }
      case '*', '~', '>', '%', '|' -> {
        int count = Integer.parseInt(line);
        int elements = (type == '%' || type == '|') ? count * 2 : count;
        for (int i = 0; i < elements; i++) {
          children.add(read(in, raw));
        }
        if (type == '|') {
          RespValue attributed = read(in, raw);
          return new RespValue(attributed.type, attributed.text, attributed.children,
              raw.toString(StandardCharsets.ISO_8859_1).substring(start));
        }
      }
      case '+', '-', ':', '_', ',', '#', '(' -> { }
      default -> throw new IOException("unknown RESP type byte '" + type + "' in " + raw);
    }
    return new RespValue(type, text, List.copyOf(children),
        raw.toString(StandardCharsets.ISO_8859_1).substring(start));
  }

  private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < MAX_LINE) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed inside a line");
      }
      raw.write(c);
      if (c == '\r') {
        int lf = in.read();
        raw.write(lf);
        if (lf != '\n') {
          throw new IOException("CR not followed by LF in " + sb);
        }
        return sb.toString();
      }
      sb.append((char) c);
    }
    throw new IOException("line longer than " + MAX_LINE + " bytes");
  }

  /** Returns whether this is an error reply. */
  boolean isError() {
    return type == '-' || type == '!';
  }

  /** Returns the error's class, its first word ({@code ERR}, {@code WRONGTYPE}...). */
  String errorClass() {
    int space = text.indexOf(' ');
    return space < 0 ? text : text.substring(0, space);
  }

  /** Returns this reply with every aggregate's elements sorted, for order-free comparison. */
  RespValue sorted() {
    if (children.isEmpty()) {
      return this;
    }
    List<RespValue> kids = new ArrayList<>();
    for (RespValue c : children) {
      kids.add(c.sorted());
    }
    if (type == '*' || type == '~') {
      kids.sort(Comparator.comparing(RespValue::raw));
    }
    StringBuilder sb = new StringBuilder().append(type).append(text).append("\r\n");
    kids.forEach(k -> sb.append(k.raw));
    return new RespValue(type, text, List.copyOf(kids), sb.toString());
  }

  /** Returns the raw bytes with CR and LF made visible, for assertion messages. */
  String printable() {
    return raw.replace("\r", "\\r").replace("\n", "\\n");
  }

  @Override
  public String toString() {
    return printable();
  }
}
