package io.tiercel.persistence;

import io.tiercel.core.FsyncPolicy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log of one named cache: a sequence of segment files of checksummed records.
 *
 * <p><b>Records.</b> Each is {@code [int length][int crc32c][payload]}, the payload being
 * {@code [byte type][long lsn]} and then, by type: {@code SET [int klen][key][int vlen][value]
 * [long expireAt]}, {@code EXPIRE [int klen][key][long expireAt]}, {@code DEL [int klen][key]},
 * {@code PURGE [int slot]} (-1 for the whole cache); the node's {@link CacheCatalog} uses the same
 * format for {@code CREATE [name][cache spec][settings spec]} and {@code DROP [name]}. Big-endian. Every record states the key's
 * resulting state with an absolute expiry (epoch ms, -1 for none), so replaying a record whose
 * effect is already in a snapshot is harmless: the log is idempotent from any point at or before
 * a snapshot's start. INCR, APPEND and the like are logged as the SET of their result.
 *
 * <p><b>Appending.</b> Writers append while holding the key's write lock inside the cache (the
 * record is encoded from within {@code Cache.compute}), so one key's records are in the same order
 * as its writes took effect, however many threads write. Appending only encodes into an in-memory
 * buffer under this object's monitor: a copy and a CRC32C, no I/O. Each record gets the next log
 * sequence number (LSN).
 *
 * <p><b>Writing.</b> The {@link LogWriter} thread swaps the buffer out each cycle (double
 * buffering under the monitor) and writes it to the current segment under {@link #ioLock}, then
 * forces it as this cache's fsync policy says. A failed write keeps its bytes and is retried
 * first on the next cycle, so the file is always a prefix of the record stream. The bytes between
 * append and write are counted in the writer's bounded buffer; a cache calls {@link #admit()}
 * before it changes a key, so a full buffer holds the writer back before anything changes.
 *
 * <p><b>Rotation.</b> A snapshot starts by {@link #rotate()}: the pending bytes are written and
 * forced to the old segment, the LSN of the last record so far becomes the snapshot's start, and
 * a new segment begins. Segments whose records all precede the previous snapshot's start are
 * deleted once a newer snapshot is on disk (see {@link CacheStore}).
 */
final class AppendLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AppendLog.class);
  static final byte[] MAGIC = "TIERLOG1".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int HEADER = MAGIC.length + 4 + 8 + 4;
  static final byte SET = 1;
  static final byte EXPIRE = 2;
  static final byte DEL = 3;
  static final byte PURGE = 4;
  /** A cache's creation, in the node's {@link CacheCatalog}: name, cache spec, settings spec. */
  static final byte CREATE = 5;
  /** A cache's drop, in the node's {@link CacheCatalog}: name. */
  static final byte DROP = 6;
  /** The largest payload a reader accepts: a 512 MB value plus its key and framing. */
  static final int MAX_PAYLOAD = Integer.MAX_VALUE - 64;

  private final Path dir;
  private final String cacheName;
  private final LogWriter writer;
  private final FsyncPolicy policy;
  private final boolean always;
  final ReentrantLock ioLock = new ReentrantLock();
  private final CRC32C crc = new CRC32C();

  // Guarded by this.
  private byte[] pending = new byte[64 << 10];
  private int pendingLength;
  private byte[] spare = new byte[64 << 10];
  private long lastLsn;
  private boolean closed;
  long swappedCycle = -1;

  // Guarded by ioLock.
  private FileChannel channel;
  private Path segment;
  private long fileSize;
  private boolean unsynced;
  private long lastForceMillis;
  private byte[] carry;
  private int carryOffset;
  private int carryLength;

  private volatile long bytesSinceRotation;
  private volatile long totalSize;
  private volatile boolean lastWriteOk = true;

  /**
   * Opens a log whose next record gets {@code lastLsn + 1}, in a new segment under {@code dir},
   * forced as {@code policy} says.
   */
  AppendLog(Path dir, String cacheName, LogWriter writer, FsyncPolicy policy, long lastLsn)
      throws IOException {
    this.dir = dir;
    this.cacheName = cacheName;
    this.writer = writer;
    this.policy = policy;
    this.always = policy == FsyncPolicy.ALWAYS;
    this.lastLsn = lastLsn;
    ioLock.lock();
    try {
      openSegment(lastLsn + 1);
    } finally {
      ioLock.unlock();
    }
    this.totalSize = sizeOfSegments(dir);
  }

  /** Returns when this log is forced to disk. */
  FsyncPolicy policy() {
    return policy;
  }

  /** Returns once the writer's buffer has room; see {@link LogWriter#admit()}. */
  void admit() {
    writer.admit();
  }

  private static final NumberedFiles SEGMENTS = new NumberedFiles("log-", ".tlog");

  /** Returns the segment file that starts at {@code firstLsn}. */
  static Path segmentPath(Path dir, long firstLsn) {
    return SEGMENTS.path(dir, firstLsn);
  }

  /** Returns the first LSN of a segment from its file name, or -1 if it is not a segment. */
  static long firstLsnOf(Path file) {
    return SEGMENTS.numberOf(file);
  }

  /** Returns the segments under {@code dir} in LSN order. */
  static List<Path> segments(Path dir) throws IOException {
    return SEGMENTS.list(dir);
  }

  private static long sizeOfSegments(Path dir) throws IOException {
    long total = 0;
    for (Path p : segments(dir)) {
      total += Files.size(p);
    }
    return total;
  }

  /** Writes a segment header: magic, version, first LSN and their CRC32C. */
  static byte[] header(long firstLsn) {
    ByteBuffer b = ByteBuffer.allocate(HEADER);
    b.put(MAGIC).putInt(VERSION).putLong(firstLsn);
    CRC32C c = new CRC32C();
    c.update(b.array(), 0, b.position());
    b.putInt((int) c.getValue());
    return b.array();
  }

  private void openSegment(long firstLsn) throws IOException {
    segment = segmentPath(dir, firstLsn);
    channel = FileChannel.open(segment, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING);
    ByteBuffer h = ByteBuffer.wrap(header(firstLsn));
    while (h.hasRemaining()) {
      channel.write(h);
    }
    writer.force(channel);
    DurableFiles.syncDirectory(dir);
    fileSize = HEADER;
    totalSize += HEADER;
  }

  /* --------------- Appending (any thread, under the key's write lock) --------------- */

  /** Logs that {@code key} now holds {@code value[offset, offset+length)} until {@code expireAt}. */
  void appendSet(byte[] key, byte[] value, int offset, int length, long expireAt) {
    long ticket;
    synchronized (this) {
      int p = begin(1 + 8 + 4 + key.length + 4 + length + 8);
      p = putByte(p, SET);
      p = putLong(p, ++lastLsn);
      p = putBytes(p, key, 0, key.length);
      p = putBytes(p, value, offset, length);
      p = putLong(p, expireAt);
      ticket = end(p);
    }
    afterAppend(ticket);
  }

  /** Logs that {@code key}'s expiry is now {@code expireAt}. */
  void appendExpire(byte[] key, long expireAt) {
    long ticket;
    synchronized (this) {
      int p = begin(1 + 8 + 4 + key.length + 8);
      p = putByte(p, EXPIRE);
      p = putLong(p, ++lastLsn);
      p = putBytes(p, key, 0, key.length);
      p = putLong(p, expireAt);
      ticket = end(p);
    }
    afterAppend(ticket);
  }

  /** Logs that {@code key} was removed. */
  void appendDel(byte[] key) {
    long ticket;
    synchronized (this) {
      int p = begin(1 + 8 + 4 + key.length);
      p = putByte(p, DEL);
      p = putLong(p, ++lastLsn);
      p = putBytes(p, key, 0, key.length);
      ticket = end(p);
    }
    afterAppend(ticket);
  }

  /** Logs that one slot ({@code slot >= 0}) or the whole cache ({@code -1}) was purged. */
  void appendPurge(int slot) {
    long ticket;
    synchronized (this) {
      int p = begin(1 + 8 + 4);
      p = putByte(p, PURGE);
      p = putLong(p, ++lastLsn);
      p = putInt(p, slot);
      ticket = end(p);
    }
    afterAppend(ticket);
  }

  private void afterAppend(long ticket) {
    if (always) {
      writer.noteTicket(ticket);
    }
  }

  /** Reserves room for a record with a payload of {@code payload} bytes; returns where it goes. */
  private int begin(int payload) {
    int need = pendingLength + 8 + payload;
    if (need < 0) {
      throw new IllegalStateException("log record too large: " + payload + " bytes");
    }
    if (need > pending.length) {
      long grown = Math.max((long) need, (long) pending.length * 2);
      pending = java.util.Arrays.copyOf(pending, (int) Math.min(grown, Integer.MAX_VALUE - 16));
    }
    return pendingLength + 8;
  }

  /** Frames the record that ends at {@code p}; returns its durability ticket. */
  private long end(int p) {
    int start = pendingLength;
    if (closed) {
      // Raced a CACHE DROP (or shutdown) that closed this log: the cache is gone with its file.
      lastLsn--;
      return 0;
    }
    int payload = p - start - 8;
    crc.reset();
    crc.update(pending, start + 8, payload);
    putInt(start, payload);
    putInt(start + 4, (int) crc.getValue());
    pendingLength = p;
    writer.buffered(p - start);
    return writer.ticketFor(this);
  }

  private int putByte(int p, byte v) {
    pending[p] = v;
    return p + 1;
  }

  private int putInt(int p, int v) {
    INT.set(pending, p, v);
    return p + 4;
  }

  private int putLong(int p, long v) {
    LONG.set(pending, p, v);
    return p + 8;
  }

  private int putBytes(int p, byte[] src, int offset, int length) {
    p = putInt(p, length);
    System.arraycopy(src, offset, pending, p, length);
    return p + length;
  }

  private static final java.lang.invoke.VarHandle INT =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final java.lang.invoke.VarHandle LONG =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Returns whether records wait to be written. */
  synchronized boolean hasPending() {
    return pendingLength > 0;
  }

  /** Returns the LSN of the last record appended. */
  synchronized long lastLsn() {
    return lastLsn;
  }

  /* --------------- Writing (the writer thread, or a rotation) --------------- */

  /**
   * Writes what was appended before this call and forces it if {@code force}; returns whether the
   * bytes are written (and forced, if asked). Called by the writer in cycle {@code cycle}.
   */
  boolean drain(long cycle, long nowMillis) {
    ioLock.lock();
    try {
      boolean ok = writeCarry();
      if (ok) {
        swapAndWrite(cycle);
        ok = carry == null;
      }
      boolean force = always
          || (policy == FsyncPolicy.EVERYSEC && nowMillis - lastForceMillis >= 1000);
      if (ok && force && unsynced) {
        try {
          writer.force(channel);
          unsynced = false;
          lastForceMillis = nowMillis;
        } catch (IOException e) {
          ok = false;
          failed("fsync", e);
        }
      }
      if (ok && !lastWriteOk) {
        lastWriteOk = true;
        LOG.warn("cache '{}': append-only log writes succeed again", cacheName);
      }
      return ok;
    } finally {
      ioLock.unlock();
    }
  }

  /** Swaps the pending buffer out and writes it; a failed write becomes the carry. */
  private void swapAndWrite(long cycle) {
    byte[] out;
    int length;
    synchronized (this) {
      swappedCycle = cycle;
      if (pendingLength == 0) {
        return;
      }
      out = pending;
      length = pendingLength;
      pending = spare;
      pendingLength = 0;
      spare = null;
    }
    carry = out;
    carryOffset = 0;
    carryLength = length;
    writeCarry();
  }

  /** Writes the carried bytes at the end of the segment; returns whether none remain. */
  private boolean writeCarry() {
    if (carry == null) {
      return true;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(carry, carryOffset, carryLength);
      while (b.hasRemaining()) {
        int n = channel.write(b, fileSize);
        fileSize += n;
        carryOffset += n;
        carryLength -= n;
        bytesSinceRotation += n;
        totalSize += n;
        writer.written(n);
      }
      unsynced = true;
      byte[] done = carry;
      carry = null;
      synchronized (this) {
        if (spare == null) {
          spare = done.length > (4 << 20) ? new byte[64 << 10] : done;
        }
      }
      return true;
    } catch (IOException e) {
      failed("write", e);
      return false;
    }
  }

  private void failed(String what, IOException e) {
    if (lastWriteOk) {
      LOG.error("cache '{}': append-only log {} to {} failed; retrying every cycle (writes with "
          + "appendfsync always wait)", cacheName, what, segment, e);
    }
    lastWriteOk = false;
  }

  /**
   * Writes and forces everything appended so far to the current segment, starts a new one, and
   * returns the LSN of the last record before it: a snapshot taken after this call holds every
   * record up to that LSN.
   */
  long rotate() throws IOException {
    ioLock.lock();
    try {
      if (!writeCarry()) {
        throw new IOException("cannot write the append-only log of '" + cacheName + "'");
      }
      byte[] out;
      int length;
      long start;
      synchronized (this) {
        out = pending;
        length = pendingLength;
        start = lastLsn;
        pending = spare != null ? spare : new byte[64 << 10];
        pendingLength = 0;
        spare = null;
      }
      carry = out;
      carryOffset = 0;
      carryLength = length;
      if (!writeCarry()) {
        throw new IOException("cannot write the append-only log of '" + cacheName + "'");
      }
      writer.force(channel);
      unsynced = false;
      channel.close();
      openSegment(start + 1);
      bytesSinceRotation = 0;
      return start;
    } finally {
      ioLock.unlock();
    }
  }

  /** Notes that segments were deleted, for the size reported. */
  void deleted(long bytes) {
    totalSize -= bytes;
  }

  /** Returns the bytes logged since the last rotation. */
  long bytesSinceRotation() {
    return bytesSinceRotation;
  }

  /** Returns the bytes of every segment on disk. */
  long totalSize() {
    return totalSize;
  }

  /** Returns whether the last write and fsync succeeded. */
  boolean lastWriteOk() {
    return lastWriteOk;
  }

  /** Returns the segment appended to. */
  Path currentSegment() {
    ioLock.lock();
    try {
      return segment;
    } finally {
      ioLock.unlock();
    }
  }

  /** Writes and forces what is pending, then closes the segment. */
  @Override
  public void close() throws IOException {
    ioLock.lock();
    try {
      if (channel == null) {
        return;
      }
      try {
        drainLocked();
      } finally {
        channel.close();
        channel = null;
        discardUnwritten();
      }
    } finally {
      ioLock.unlock();
    }
  }

  /** Takes bytes a failed close could not write out of the writer's buffer count. */
  private void discardUnwritten() {
    long left = carry == null ? 0 : carryLength;
    carry = null;
    synchronized (this) {
      left += pendingLength;
      pendingLength = 0;
      closed = true;
    }
    if (left > 0) {
      writer.written(left);
    }
  }

  private void drainLocked() throws IOException {
    writeCarry();
    swapAndWrite(Long.MAX_VALUE);
    if (carry != null) {
      throw new IOException("cannot write the append-only log of '" + cacheName + "'");
    }
    // A graceful close forces the log whatever the policy: dirty data is flushed on shutdown.
    writer.force(channel);
    unsynced = false;
  }
}
