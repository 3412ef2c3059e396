package io.tiercel.protocol.resp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * Writes RESP2 and RESP3 replies straight into an outbound buffer, without intermediate objects.
 *
 * <p>Ownership: every method writes into {@code out} and neither retains nor releases it; the
 * caller owns {@code out}. Where RESP3 has a type RESP2 lacks, {@code resp3} picks the encoding
 * (a map is a flat array in RESP2, a double a bulk string, a boolean an integer).
 */
public final class RespWriter {
  private static final byte[] DIGIT_TENS = new byte[100];
  private static final byte[] DIGIT_ONES = new byte[100];
  private static final byte[][] SMALL_INTEGERS = new byte[129][];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_TENS[i] = (byte) ('0' + i / 10);
      DIGIT_ONES[i] = (byte) ('0' + i % 10);
    }
    for (int i = -1; i < 128; i++) {
      SMALL_INTEGERS[i + 1] = (":" + i + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }
  }

  private RespWriter() {}

  /** Writes {@code +text}; the text must be ASCII without CR or LF. */
  public static void simpleString(ByteBuf out, CharSequence text) {
    out.writeByte('+');
    out.writeCharSequence(text, StandardCharsets.US_ASCII);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes {@code -message}, turning CR and LF into spaces as Redis does. */
  public static void error(ByteBuf out, CharSequence message) {
    out.writeByte('-');
    String text = message.toString();
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
      text = text.replace('\r', ' ').replace('\n', ' ');
    }
    ByteBufUtil.writeUtf8(out, text);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes {@code :value}. */
  public static void integer(ByteBuf out, long value) {
    if (value >= -1 && value < 128) {
      out.writeBytes(SMALL_INTEGERS[(int) value + 1]);
      return;
    }
    out.writeByte(':');
    decimal(out, value);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes {@code $length\r\n} and the bytes {@code src[offset, offset + length)}. */
  public static void bulk(ByteBuf out, byte[] src, int offset, int length) {
    bulkHeader(out, length);
    out.writeBytes(src, offset, length);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes {@code src} as a bulk string. */
  public static void bulk(ByteBuf out, byte[] src) {
    bulk(out, src, 0, src.length);
  }

  /** Writes the bytes {@code src[index, index + length)} as a bulk string; src is borrowed. */
  public static void bulk(ByteBuf out, ByteBuf src, int index, int length) {
    bulkHeader(out, length);
    out.writeBytes(src, index, length);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes {@code text} encoded as UTF-8 as a bulk string. */
  public static void bulk(ByteBuf out, CharSequence text) {
    bulkHeader(out, ByteBufUtil.utf8Bytes(text));
    ByteBufUtil.writeUtf8(out, text);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes a bulk string of the decimal digits of {@code value}. */
  public static void bulk(ByteBuf out, long value) {
    bulkHeader(out, decimalLength(value));
    decimal(out, value);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes {@code $length\r\n}; the caller writes the bytes and CRLF. */
  public static void bulkHeader(ByteBuf out, int length) {
    out.writeByte('$');
    decimal(out, length);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes a RESP3 verbatim string of {@code format} (3 letters) or a RESP2 bulk string. */
  public static void verbatim(ByteBuf out, boolean resp3, String format, CharSequence text) {
    if (!resp3) {
      bulk(out, text);
      return;
    }
    out.writeByte('=');
    decimal(out, ByteBufUtil.utf8Bytes(text) + 4);
    out.writeBytes(RespReplies.CRLF);
    out.writeCharSequence(format, StandardCharsets.US_ASCII);
    out.writeByte(':');
    ByteBufUtil.writeUtf8(out, text);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Writes the null bulk string: {@code $-1} in RESP2, {@code _} in RESP3. */
  public static void nullBulk(ByteBuf out, boolean resp3) {
    out.writeBytes(resp3 ? RespReplies.NULL : RespReplies.NULL_BULK);
  }

  /** Writes the null array: {@code *-1} in RESP2, {@code _} in RESP3. */
  public static void nullArray(ByteBuf out, boolean resp3) {
    out.writeBytes(resp3 ? RespReplies.NULL : RespReplies.NULL_ARRAY);
  }

  /** Writes an array header of {@code count} elements. */
  public static void arrayHeader(ByteBuf out, int count) {
    aggregateHeader(out, '*', count);
  }

  /** Writes a map header of {@code count} pairs; a flat array of 2 * count in RESP2. */
  public static void mapHeader(ByteBuf out, boolean resp3, int count) {
    if (resp3) {
      aggregateHeader(out, '%', count);
    } else {
      aggregateHeader(out, '*', count * 2);
    }
  }

  /** Writes a set header; an array in RESP2. */
  public static void setHeader(ByteBuf out, boolean resp3, int count) {
    aggregateHeader(out, resp3 ? '~' : '*', count);
  }

  /** Writes a push header (pub/sub messages); an array in RESP2. */
  public static void pushHeader(ByteBuf out, boolean resp3, int count) {
    aggregateHeader(out, resp3 ? '>' : '*', count);
  }

  /** Writes a double (a bulk string in RESP2), spelling infinities and NaN as Redis does. */
  public static void doubleValue(ByteBuf out, boolean resp3, double value) {
    String text = formatDouble(value);
    if (resp3) {
      out.writeByte(',');
      out.writeCharSequence(text, StandardCharsets.US_ASCII);
      out.writeBytes(RespReplies.CRLF);
    } else {
      bulk(out, text);
    }
  }

  /** Writes a boolean; {@code :1} or {@code :0} in RESP2. */
  public static void bool(ByteBuf out, boolean resp3, boolean value) {
    if (resp3) {
      out.writeBytes(value ? RespReplies.TRUE : RespReplies.FALSE);
    } else {
      out.writeBytes(value ? RespReplies.ONE : RespReplies.ZERO);
    }
  }

  /**
   * Formats {@code value} as Redis's human-friendly form: the shortest exact decimal, no exponent,
   * no trailing zeros ({@code 10.5}, {@code 3}, {@code 100000000000000000000}).
   */
  public static String formatDouble(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return "0";
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
  }

  private static void aggregateHeader(ByteBuf out, char marker, int count) {
    out.writeByte(marker);
    decimal(out, count);
    out.writeBytes(RespReplies.CRLF);
  }

  /** Returns how many characters {@link #decimal} writes for {@code value}. */
  public static int decimalLength(long value) {
    if (value == Long.MIN_VALUE) {
      return 20;
    }
    int n = 1;
    if (value < 0) {
      n++;
      value = -value;
    }
    while (value >= 10) {
      value /= 10;
      n++;
    }
    return n;
  }

  /** Writes the decimal digits of {@code value} without allocating. */
  public static void decimal(ByteBuf out, long value) {
    if (value == Long.MIN_VALUE) {
      out.writeCharSequence("-9223372036854775808", StandardCharsets.US_ASCII);
      return;
    }
    if (value < 0) {
      out.writeByte('-');
      value = -value;
    }
    if (value < 10) {
      out.writeByte((int) ('0' + value));
      return;
    }
    int len = decimalLength(value);
    int at = out.writerIndex();
    out.ensureWritable(len);
    int p = at + len;
    while (value >= 100) {
      int r = (int) (value % 100);
      value /= 100;
      out.setByte(--p, DIGIT_ONES[r]);
      out.setByte(--p, DIGIT_TENS[r]);
    }
    if (value >= 10) {
      int r = (int) value;
      out.setByte(--p, DIGIT_ONES[r]);
      out.setByte(--p, DIGIT_TENS[r]);
    } else {
      out.setByte(--p, (int) ('0' + value));
    }
    out.writerIndex(at + len);
  }
}
