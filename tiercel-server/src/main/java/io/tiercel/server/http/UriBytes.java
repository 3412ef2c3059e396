package io.tiercel.server.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Percent-decoding of URI parts into bytes, so keys and values in URLs are binary-safe
 * ({@code %00}, {@code %FF} and raw bytes above 127 all survive). Netty hands over the request
 * line as ISO-8859-1 characters, so each character below 256 is one byte.
 */
final class UriBytes {
  private UriBytes() {}

  /**
   * Decodes {@code s[from, to)}; {@code +} is a space only in query strings.
   *
   * @throws IllegalArgumentException naming {@code what} if a {@code %} escape is malformed
   */
  static byte[] decode(String s, int from, int to, boolean plusIsSpace, String what) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int hi = i + 2 < to ? Character.digit(s.charAt(i + 1), 16) : -1;
        int lo = i + 2 < to ? Character.digit(s.charAt(i + 2), 16) : -1;
        if (hi < 0 || lo < 0) {
          throw new IllegalArgumentException(
              what + ": malformed percent-encoding at '" + s.substring(i, Math.min(to, i + 3))
                  + "' (expected: %XX with two hex digits)");
        }
        out.write((hi << 4) | lo);
        i += 2;
      } else if (c == '+' && plusIsSpace) {
        out.write(' ');
      } else if (c < 256) {
        out.write(c);
      } else {
        byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
      }
    }
    return out.toByteArray();
  }

  /** Parses a raw query string into names and byte values; the first of repeated names wins. */
  static Map<String, byte[]> query(String raw) {
    Map<String, byte[]> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    int start = 0;
    while (start <= raw.length()) {
      int end = raw.indexOf('&', start);
      if (end < 0) {
        end = raw.length();
      }
      if (end > start) {
        int eq = raw.indexOf('=', start);
        int nameEnd = eq < 0 || eq > end ? end : eq;
        String name = new String(decode(raw, start, nameEnd, true, "query parameter name"),
            StandardCharsets.UTF_8);
        byte[] value = nameEnd == end ? new byte[0]
            : decode(raw, nameEnd + 1, end, true, "query parameter '" + name + "'");
        params.putIfAbsent(name, value);
      }
      start = end + 1;
    }
    return params;
  }
}
