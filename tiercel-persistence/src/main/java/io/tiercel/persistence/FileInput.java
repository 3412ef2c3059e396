package io.tiercel.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a snapshot or log file through one large buffer: callers ask that {@code n} bytes be
 * available, then take them as ints, longs and arrays. Tracks the file offset for error messages
 * and for cutting a damaged log.
 */
final class FileInput implements AutoCloseable {
  private static final int BUFFER = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private ByteBuffer buf = ByteBuffer.allocate(BUFFER).flip();
  /** The file offset of {@code buf}'s byte 0. */
  private long bufferStart;

  FileInput(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.size = channel.size();
  }

  /** Returns the file read. */
  Path file() {
    return file;
  }

  /** Returns the file's size when opened. */
  long size() {
    return size;
  }

  /** Returns the offset of the next byte to read. */
  long position() {
    return bufferStart + buf.position();
  }

  /** Returns whether every byte was read. */
  boolean atEnd() {
    return position() >= size;
  }

  /** Makes {@code n} bytes readable; returns false if the file ends first. */
  boolean ensure(int n) throws IOException {
    if (buf.remaining() >= n) {
      return true;
    }
    if (position() + n > size) {
      return false;
    }
    if (buf.capacity() < n) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2));
      bigger.put(buf);
      bufferStart = position() - bigger.position();
      buf = bigger;
    } else {
      bufferStart += buf.position();
      buf.compact();
    }
    while (buf.position() < n) {
      if (channel.read(buf, bufferStart + buf.position()) < 0) {
        buf.flip();
        return false;
      }
    }
    buf.flip();
    return true;
  }

  /** Returns the buffer the ensured bytes are read from, positioned at the next byte. */
  ByteBuffer buffer() {
    return buf;
  }

  /** Returns a new damage report at the current offset. */
  CorruptFileException corrupt(String reason) {
    return new CorruptFileException(file, position(), reason);
  }

  /** Returns a new damage report at {@code offset}. */
  CorruptFileException corruptAt(long offset, String reason) {
    return new CorruptFileException(file, offset, reason);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
