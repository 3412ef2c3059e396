package io.tiercel.core.backing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;

/**
 * A write queue's journal in one append-only file, fsynced before each write is acknowledged.
 *
 * <p>Record: {@code int length | int crc32c | byte op (0 set, 1 delete) | int keyLength | key |
 * value}, where {@code length} counts the bytes after the CRC. Replay stops at the first record
 * that is short or fails its CRC — the torn tail of a crash — and cuts the file there, so a later
 * append never follows garbage.
 *
 * <p>Group commit: appends write under one lock and take a sequence number; the fsync is done
 * outside it by whichever appender gets the sync lock first, covering every record written so
 * far, so concurrent appenders (one per executor lane) share fsyncs instead of queueing for one
 * each. {@link #reset} truncates after a flush emptied the queue; {@link #rewrite} compacts to the
 * still-pending writes through a temporary file renamed over the journal.
 */
public final class FileWriteJournal implements WriteJournal {
  private static final int HEADER = 8;

  private final Path path;
  private final boolean fsync;
  private final Object writeLock = new Object();
  private final Object syncLock = new Object();
  private FileChannel channel;
  private long written;
  private volatile long synced;
  private volatile long size;

  /** Opens (creating if missing) the journal at {@code path}; {@code fsync} forces each append. */
  public FileWriteJournal(Path path, boolean fsync) throws IOException {
    this.path = path;
    this.fsync = fsync;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.channel = open(path);
    this.size = channel.size();
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  /** Returns the journal's file. */
  public Path path() {
    return path;
  }

  @Override
  public void append(byte[] key, byte[] value) throws IOException {
    ByteBuffer record = encode(key, value);
    long seq;
    synchronized (writeLock) {
      channel.position(channel.size());
      while (record.hasRemaining()) {
        channel.write(record);
      }
      seq = ++written;
      size = channel.size();
    }
    if (fsync) {
      sync(seq);
    }
  }

  private void sync(long seq) throws IOException {
    if (synced >= seq) {
      return;
    }
    synchronized (syncLock) {
      if (synced >= seq) {
        return;
      }
      long upTo;
      FileChannel ch;
      synchronized (writeLock) {
        upTo = written;
        ch = channel;
      }
      ch.force(false);
      synced = upTo;
    }
  }

  static ByteBuffer encode(byte[] key, byte[] value) {
    int body = 1 + 4 + key.length + (value == null ? 0 : value.length);
    ByteBuffer b = ByteBuffer.allocate(HEADER + body);
    b.putInt(body).putInt(0);
    b.put((byte) (value == null ? 1 : 0)).putInt(key.length).put(key);
    if (value != null) {
      b.put(value);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), HEADER, body);
    b.putInt(4, (int) crc.getValue());
    return b.flip();
  }

  @Override
  public void replay(BiConsumer<byte[], byte[]> sink) throws IOException {
    synchronized (writeLock) {
      long fileSize = channel.size();
      long pos = 0;
      ByteBuffer header = ByteBuffer.allocate(HEADER);
      while (pos + HEADER <= fileSize) {
        header.clear();
        channel.read(header, pos);
        int body = header.getInt(0);
        int expected = header.getInt(4);
        if (body < 5 || pos + HEADER + body > fileSize) {
          break;
        }
        ByteBuffer b = ByteBuffer.allocate(body);
        while (b.hasRemaining() && channel.read(b, pos + HEADER + b.position()) > 0) {
          // reads until full
        }
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, body);
        if ((int) crc.getValue() != expected) {
          break;
        }
        b.flip();
        byte op = b.get();
        int keyLength = b.getInt();
        if (keyLength < 0 || keyLength > body - 5 || op > 1) {
          break;
        }
        byte[] key = new byte[keyLength];
        b.get(key);
        byte[] value = null;
        if (op == 0) {
          value = new byte[b.remaining()];
          b.get(value);
        }
        sink.accept(key, value);
        pos += HEADER + body;
      }
      if (pos < fileSize) {
        channel.truncate(pos);
        channel.force(true);
      }
      size = channel.size();
    }
  }

  @Override
  public void reset() throws IOException {
    synchronized (writeLock) {
      channel.truncate(0);
      if (fsync) {
        channel.force(true);
      }
      size = 0;
    }
  }

  @Override
  public void rewrite(Collection<PendingWrite> pending) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      for (PendingWrite w : pending) {
        ByteBuffer r = encode(w.key(), w.value());
        while (r.hasRemaining()) {
          out.write(r);
        }
      }
      out.force(true);
    }
    synchronized (writeLock) {
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      channel.close();
      channel = open(path);
      size = channel.size();
      synced = written;
    }
  }

  @Override
  public long sizeBytes() {
    return size;
  }

  @Override
  public void close() throws IOException {
    synchronized (writeLock) {
      channel.close();
    }
  }
}
