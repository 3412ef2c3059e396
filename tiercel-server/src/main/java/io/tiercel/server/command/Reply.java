package io.tiercel.server.command;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.tiercel.core.ValueReader;
import io.tiercel.protocol.resp.RespReplies;
import io.tiercel.protocol.resp.RespWriter;

/**
 * The replies of one connection's current read batch, written into one outbound buffer that is
 * flushed when the batch ends.
 *
 * <p>Ownership: the buffer is allocated on first write and owned by this object until
 * {@link #take()} hands it to the caller (who passes it to {@code writeAndFlush}, which releases
 * it); {@link #release()} frees an untaken buffer when the connection closes. As a
 * {@link ValueReader} it writes a stored value as a bulk string without copying it first.
 *
 * <p>Sizing: a batch's buffer starts at the size the previous batch ended with (at least 512
 * bytes, at most 64 KiB), so a client that pipelines sixteen GETs of 100-byte values gets a
 * 2 KiB buffer at once instead of growing one from 512 bytes twice, with a copy each time, in
 * every batch. The guess follows the last batch only: one large reply does not keep later
 * batches' buffers large.
 */
public final class Reply implements ValueReader<Boolean> {
  private static final int MIN_CAPACITY = 512;
  private static final int MAX_GUESS = 64 << 10;
  /** Replies past this size are sent before their batch ends, so a huge pipeline streams. */
  private static final int EARLY_WRITE_BYTES = 64 << 10;

  private final ByteBufAllocator alloc;
  private ByteBuf out;
  /** The capacity the next batch's buffer starts with: the last batch's size, clamped. */
  private int nextCapacity = MIN_CAPACITY;
  private boolean resp3;

  /** Errors written so far, so the dispatcher can tell a command's outcome. */
  int errors;
  /** Null bulk strings written so far (a read that found nothing). */
  int nulls;
  /** Where the value of the last {@link #read} starts in {@link #out}, for {@link #discard}. */
  private int readMark;

  /** Creates the reply writer of one connection. */
  public Reply(ByteBufAllocator alloc) {
    this.alloc = alloc;
  }

  /** Returns whether replies use RESP3. */
  public boolean resp3() {
    return resp3;
  }

  /** Switches the protocol of later replies. */
  void setResp3(boolean resp3) {
    this.resp3 = resp3;
  }

  /** Returns the buffer of this batch, allocating it on first use; borrowed, not to be released. */
  public ByteBuf out() {
    if (out == null) {
      out = alloc.ioBuffer(nextCapacity);
    }
    return out;
  }

  /** Returns the batch's buffer, or null if nothing was written; the caller now owns it. */
  public ByteBuf take() {
    ByteBuf b = out;
    if (b != null) {
      nextCapacity = Math.clamp(b.writerIndex(), MIN_CAPACITY, MAX_GUESS);
      out = null;
    }
    return b;
  }

  /** Returns how many bytes are waiting in the batch. */
  public int pending() {
    return out == null ? 0 : out.readableBytes();
  }

  /** Returns whether the batch so far is large enough to be sent before the batch ends. */
  public boolean dueForEarlyWrite() {
    return pending() > EARLY_WRITE_BYTES;
  }

  /** Frees an untaken buffer. */
  public void release() {
    if (out != null) {
      out.release();
      out = null;
    }
  }

  /** Writes pre-encoded bytes. */
  public void raw(byte[] bytes) {
    out().writeBytes(bytes);
  }

  /** Writes {@code +OK}. */
  public void ok() {
    raw(RespReplies.OK);
  }

  /** Writes {@code +text}. */
  public void simple(String text) {
    RespWriter.simpleString(out(), text);
  }

  /** Writes {@code -message}. */
  public void error(String message) {
    errors++;
    RespWriter.error(out(), message);
  }

  /** Writes an integer. */
  public void integer(long value) {
    RespWriter.integer(out(), value);
  }

  /** Writes a bulk string or the null bulk string when {@code value} is null. */
  public void bulk(byte[] value) {
    if (value == null) {
      nullBulk();
    } else {
      RespWriter.bulk(out(), value);
    }
  }

  /** Writes a bulk string from part of a buffer. */
  public void bulk(ByteBuf src, int index, int length) {
    RespWriter.bulk(out(), src, index, length);
  }

  /** Writes a UTF-8 bulk string, or null. */
  public void bulk(String value) {
    if (value == null) {
      nullBulk();
    } else {
      RespWriter.bulk(out(), value);
    }
  }

  /** Writes a bulk string of a number's digits. */
  public void bulk(long value) {
    RespWriter.bulk(out(), value);
  }

  /** Writes the null bulk string of the current protocol. */
  public void nullBulk() {
    nulls++;
    RespWriter.nullBulk(out(), resp3);
  }

  /** Writes the null array of the current protocol. */
  public void nullArray() {
    RespWriter.nullArray(out(), resp3);
  }

  /** Writes an array header. */
  public void array(int count) {
    RespWriter.arrayHeader(out(), count);
  }

  /** Writes a map header (a flat array in RESP2). */
  public void map(int pairs) {
    RespWriter.mapHeader(out(), resp3, pairs);
  }

  /** Writes a set header (an array in RESP2). */
  public void set(int count) {
    RespWriter.setHeader(out(), resp3, count);
  }

  /** Writes a push header (an array in RESP2). */
  public void push(int count) {
    RespWriter.pushHeader(out(), resp3, count);
  }

  /** Writes a double (a bulk string in RESP2). */
  public void doubleValue(double value) {
    RespWriter.doubleValue(out(), resp3, value);
  }

  /** Writes a verbatim text (a bulk string in RESP2). */
  public void verbatim(String text) {
    RespWriter.verbatim(out(), resp3, "txt", text);
  }

  /** Writes the stored value as a bulk string; see {@link io.tiercel.core.Cache#read}. */
  @Override
  public Boolean read(byte[] array, int offset, int length, long expireAtMillis) {
    readMark = mark();
    RespWriter.bulk(out(), array, offset, length);
    return Boolean.TRUE;
  }

  /** Takes back the bulk string the last read wrote: the value changed while it was copied. */
  @Override
  public void discard() {
    rewind(readMark);
  }

  /**
   * Returns a reader that writes into this reply through {@code writer} and, like this reply's
   * own {@link #read}, takes back what it wrote when the cache discards the read.
   */
  ValueReader<Boolean> rewinding(ValueReader<Boolean> writer) {
    return new ValueReader<>() {
      private int mark;

      @Override
      public Boolean read(byte[] array, int offset, int length, long expireAtMillis) {
        mark = mark();
        return writer.read(array, offset, length, expireAtMillis);
      }

      @Override
      public void discard() {
        rewind(mark);
      }
    };
  }

  /** Returns where the next reply will start, for {@link #rewind}. */
  private int mark() {
    return out().writerIndex();
  }

  /** Drops what was written since {@code mark}, a value {@link #mark} returned in this batch. */
  private void rewind(int mark) {
    out.writerIndex(mark);
  }
}
