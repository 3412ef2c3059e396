package io.tiercel.server.http;

/** The little JSON the HTTP API writes: quoted strings and number formatting. */
final class Json {
  private Json() {}

  /** Appends {@code s} as a JSON string literal. */
  static StringBuilder quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"');
  }

  /** Returns {@code {"error": message}}. */
  static String error(String message) {
    return quote(new StringBuilder("{\"error\":"), message).append("}\n").toString();
  }
}
