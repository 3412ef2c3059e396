package io.tiercel.protocol.resp;

import java.nio.charset.StandardCharsets;

/**
 * Pre-encoded replies, written with {@code ByteBuf.writeBytes(byte[])}; plain arrays so there is
 * no buffer to own or release.
 */
public final class RespReplies {
  /** {@code +OK}. */
  public static final byte[] OK = ascii("+OK\r\n");
  /** {@code +PONG}. */
  public static final byte[] PONG = ascii("+PONG\r\n");
  /** {@code :0}. */
  public static final byte[] ZERO = ascii(":0\r\n");
  /** {@code :1}. */
  public static final byte[] ONE = ascii(":1\r\n");
  /** {@code :-1}. */
  public static final byte[] MINUS_ONE = ascii(":-1\r\n");
  /** {@code :-2}. */
  public static final byte[] MINUS_TWO = ascii(":-2\r\n");
  /** RESP2 null bulk string {@code $-1}. */
  public static final byte[] NULL_BULK = ascii("$-1\r\n");
  /** RESP2 null array {@code *-1}. */
  public static final byte[] NULL_ARRAY = ascii("*-1\r\n");
  /** RESP3 null {@code _}. */
  public static final byte[] NULL = ascii("_\r\n");
  /** The empty array {@code *0}. */
  public static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
  /** The empty bulk string {@code $0}. */
  public static final byte[] EMPTY_BULK = ascii("$0\r\n\r\n");
  /** RESP3 true {@code #t}. */
  public static final byte[] TRUE = ascii("#t\r\n");
  /** RESP3 false {@code #f}. */
  public static final byte[] FALSE = ascii("#f\r\n");
  /** The line terminator. */
  public static final byte[] CRLF = ascii("\r\n");

  private RespReplies() {}

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
