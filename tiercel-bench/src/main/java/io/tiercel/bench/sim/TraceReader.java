package io.tiercel.bench.sim;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads a key trace: one signed 64-bit decimal integer per line, gzip-compressed or plain.
 *
 * <p>The biggest shared trace has 13M lines, so the reader parses digits straight from the byte
 * stream into a growing {@code long[]} with no per-line {@code String}. Blank lines and surrounding
 * spaces or tabs are skipped; anything else that is not a key fails with the line number.
 */
public final class TraceReader {
  private TraceReader() {}

  /** Reads the trace at {@code path}, decompressing it if its name ends in {@code .gz}. */
  public static Trace read(Path path) throws IOException {
    String fileName = path.getFileName().toString();
    try (InputStream raw = Files.newInputStream(path);
        InputStream in = fileName.endsWith(".gz")
            ? new GZIPInputStream(raw, 1 << 16)
            : new BufferedInputStream(raw, 1 << 16)) {
      return new Trace(Trace.nameOf(fileName), parse(in, fileName));
    }
  }

  /** Parses keys from {@code in} until its end; {@code source} names it in error messages. */
  public static long[] parse(InputStream in, String source) throws IOException {
    long[] keys = new long[1 << 16];
    int count = 0;
    byte[] buf = new byte[1 << 16];
    long line = 1;
    long value = 0;
    int digits = 0;
    boolean negative = false;
    boolean sign = false;
    boolean ended = false; // trailing blanks seen after the number on this line
    for (int n; (n = in.read(buf)) > 0; ) {
      for (int i = 0; i < n; i++) {
        byte b = buf[i];
        if (b >= '0' && b <= '9' && !ended) {
          // Accumulates negatively, as Long.parseLong does, so that -2^63 parses too.
          int digit = b - '0';
          long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
          if (value < limit / 10 || value * 10 < limit + digit) {
            throw error(source, line, "number out of 64-bit range");
          }
          value = value * 10 - digit;
          digits++;
        } else if (b == '\n' || b == '\r') {
          if (digits > 0) {
            if (count == keys.length) {
              keys = Arrays.copyOf(keys, count + (count >> 1));
            }
            keys[count++] = negative ? value : -value;
          } else if (sign) {
            throw error(source, line, "sign without digits");
          }
          if (b == '\n') {
            line++;
          }
          value = 0;
          digits = 0;
          negative = false;
          sign = false;
          ended = false;
        } else if (b == ' ' || b == '\t') {
          if (digits > 0 || sign) {
            ended = true;
          }
        } else if ((b == '-' || b == '+') && digits == 0 && !sign) {
          negative = b == '-';
          sign = true;
        } else {
          throw error(source, line, "unexpected character '" + (char) (b & 0xff) + "'");
        }
      }
    }
    if (digits > 0) {
      if (count == keys.length) {
        keys = Arrays.copyOf(keys, count + 1);
      }
      keys[count++] = negative ? value : -value;
    } else if (sign) {
      throw error(source, line, "sign without digits");
    }
    return Arrays.copyOf(keys, count);
  }

  private static IOException error(String source, long line, String what) {
    return new IOException(
        source + ":" + line + ": " + what + " (expected: one integer key a line)");
  }
}
