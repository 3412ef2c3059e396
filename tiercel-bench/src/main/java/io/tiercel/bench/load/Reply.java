package io.tiercel.bench.load;

/**
 * One decoded reply, reused for every reply of a connection: what kind it was and, for a value,
 * where its bytes lie in the receive buffer (valid until the buffer is compacted).
 */
final class Reply {
  /** What a reply said, as far as the load generator cares. */
  enum Kind {
    /** A SET was stored ({@code +OK}, {@code STORED}). */
    STORED,
    /** A GET found a value. */
    VALUE,
    /** A GET found nothing ({@code $-1}, {@code _}, a bare {@code END}). */
    MISS,
    /** The server answered with an error ({@code -ERR ...}, {@code SERVER_ERROR ...}). */
    ERROR,
    /** A well-formed reply this request should not get (e.g. {@code NOT_STORED}, an integer). */
    UNEXPECTED
  }

  Kind kind;
  int dataPosition;
  int dataLength;
  String text;

  void set(Kind kind) {
    this.kind = kind;
    this.text = null;
  }

  void value(int position, int length) {
    this.kind = Kind.VALUE;
    this.dataPosition = position;
    this.dataLength = length;
    this.text = null;
  }

  void text(Kind kind, String text) {
    this.kind = kind;
    this.text = text;
  }
}
