package io.tiercel.protocol.resp;

/**
 * The bounds a {@link RespDecoder} enforces on one client's input, so no input can make the node
 * hold more than {@code maxQueryBuffer} bytes for a client.
 *
 * @param maxBulkLength the longest bulk string of a command (Redis {@code proto-max-bulk-len})
 * @param maxMultibulkLength the most arguments of one command
 * @param maxInlineLength the longest inline command line or length header (Redis: 64 KB)
 * @param maxQueryBuffer the most bytes buffered for one incomplete command
 *     (Redis {@code client-query-buffer-limit})
 */
public record RespLimits(
    long maxBulkLength, int maxMultibulkLength, int maxInlineLength, long maxQueryBuffer) {
  /** The default longest bulk string: 512 MB, as Redis. */
  public static final long DEFAULT_MAX_BULK_LENGTH = 512L << 20;
  /** The default most arguments of one command. */
  public static final int DEFAULT_MAX_MULTIBULK_LENGTH = 1 << 20;
  /** The default longest inline line: 64 KB, as Redis. */
  public static final int DEFAULT_MAX_INLINE_LENGTH = 64 << 10;
  /** The default query buffer: 1 GB, as Redis. */
  public static final long DEFAULT_MAX_QUERY_BUFFER = 1L << 30;
  /** The longest bulk string a client that has not authenticated may send, as Redis. */
  public static final int UNAUTHENTICATED_MAX_BULK_LENGTH = 16384;
  /** The most arguments a client that has not authenticated may send, as Redis. */
  public static final int UNAUTHENTICATED_MAX_MULTIBULK_LENGTH = 10;

  /** Validates every bound. */
  public RespLimits {
    if (maxBulkLength <= 0 || maxBulkLength > Integer.MAX_VALUE - 2) {
      throw new IllegalArgumentException(
          "maxBulkLength: " + maxBulkLength + " (expected: 1.." + (Integer.MAX_VALUE - 2) + ")");
    }
    if (maxMultibulkLength <= 0) {
      throw new IllegalArgumentException(
          "maxMultibulkLength: " + maxMultibulkLength + " (expected: > 0)");
    }
    if (maxInlineLength < 16) {
      throw new IllegalArgumentException(
          "maxInlineLength: " + maxInlineLength + " (expected: >= 16)");
    }
    if (maxQueryBuffer < maxInlineLength) {
      throw new IllegalArgumentException(
          "maxQueryBuffer: " + maxQueryBuffer + " (expected: >= maxInlineLength)");
    }
  }

  /** Returns Redis's defaults. */
  public static RespLimits defaults() {
    return new RespLimits(
        DEFAULT_MAX_BULK_LENGTH,
        DEFAULT_MAX_MULTIBULK_LENGTH,
        DEFAULT_MAX_INLINE_LENGTH,
        DEFAULT_MAX_QUERY_BUFFER);
  }
}
