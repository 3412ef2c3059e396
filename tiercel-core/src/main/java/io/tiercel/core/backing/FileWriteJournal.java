package io.tiercel.core.backing;

import io.tiercel.core.Clock;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.core.TicketWaiters;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write queue's journal in one append-only file, with group commit and an fsync policy.
 *
 * <p>Record: {@code int length | int crc32c | byte op (0 set, 1 delete) | int keyLength | key |
 * value}, where {@code length} counts the bytes after the CRC. Replay stops at the first record
 * that is short or fails its CRC — the torn tail of a crash — and cuts the file there, so a later
 * append never follows garbage.
 *
 * <p><b>Group commit.</b> {@link #append} only encodes the record into the in-memory batch and
 * returns its ticket (a sequence number); it makes no system call, so the key's lane moves on at
 * once. A write is acknowledged once its ticket is durable. The first thread that needs a ticket
 * durable becomes the leader: holding the commit lock it takes the whole batch — every record any
 * lane appended meanwhile — hands it to the OS with one gathering {@code write()}, under
 * {@code always} forces it with one {@code fsync}, and publishes the last ticket it covered. The
 * threads that queued behind the lock usually find their ticket covered and return without a
 * system call, as InnoDB and PostgreSQL group their commits and as the node's append-only log
 * does per write cycle. Blocking callers lead in their own thread ({@link #sync}); asynchronous
 * ones ({@link #whenDurable}, the node's command path) are led by the journal's committer thread,
 * so neither a key's lane nor an event loop ever waits for the disk.
 *
 * <p><b>Policies</b> ({@link FsyncPolicy}, as Redis's {@code appendfsync}). Under every policy a
 * record is written to the OS before its write is acknowledged: the page cache outlives a killed
 * process, so a SIGKILL before the flush loses nothing. {@code always} also fsyncs before the
 * acknowledgement (a power loss loses nothing); {@code everysec} (the default) lets the committer
 * fsync once a second (a power loss may lose about the last second); {@code no} leaves it to the
 * OS.
 *
 * <p><b>Failure.</b> If the {@code write()} fails, the file is cut back to its last whole record,
 * the batch goes back in front of the next one and the waiting writes fail (they are not
 * acknowledged); the next commit tries again. {@link #reset} and {@link #rewrite} run under the
 * commit lock and drop the batch: the write queue calls them only when every appended record is
 * stored or in the compacted snapshot, so every ticket issued so far counts as durable.
 */
public final class FileWriteJournal implements WriteJournal {
  private static final Logger LOG = LoggerFactory.getLogger(FileWriteJournal.class);
  private static final int HEADER = 8;
  /** The longest the committer sleeps before it looks at the (maybe manual) clock again. */
  private static final long POLL_MILLIS = 100;
  private static final long EVERYSEC_MILLIS = 1000;

  private final Path path;
  private final FsyncPolicy policy;
  private final Clock clock;
  private final ReentrantLock commitLock = new ReentrantLock();
  private final Object batchLock = new Object();
  private final List<ByteBuffer> batch = new ArrayList<>();
  private final TicketWaiters waiters = new TicketWaiters();
  private final Thread committer;
  /** Records appended so far: the last ticket issued. Guarded by batchLock. */
  private long appended;
  /** The file's length; guarded by commitLock. */
  private long fileLength;
  private FileChannel channel;
  private volatile long written;
  private volatile long synced;
  private volatile long size;
  private volatile boolean closed;
  private long lastSyncMillis;

  /** Opens (creating if missing) the journal at {@code path}, forcing it per {@code policy}. */
  public FileWriteJournal(Path path, FsyncPolicy policy, Clock clock) throws IOException {
    this.path = path;
    this.policy = policy;
    this.clock = clock;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.channel = open(path);
    this.fileLength = channel.size();
    channel.position(fileLength);
    this.size = fileLength;
    this.lastSyncMillis = clock.millis();
    this.committer = new Thread(this::runCommitter, "tiercel-journal-" + path.getFileName());
    committer.setDaemon(true);
    committer.start();
  }

  private static FileChannel open(Path path) throws IOException {
    return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
  }

  /** Returns the journal's file. */
  public Path path() {
    return path;
  }

  /** Returns the fsync policy. */
  public FsyncPolicy policy() {
    return policy;
  }

  @Override
  public long append(byte[] key, byte[] value) throws IOException {
    ByteBuffer record = encode(key, value);
    synchronized (batchLock) {
      if (closed) {
        throw new ClosedChannelException();
      }
      batch.add(record);
      return ++appended;
    }
  }

  /** Returns the last ticket forced to disk (for tests of the policies). */
  long syncedTicket() {
    return synced;
  }

  /** Returns the last ticket that is durable under the policy. */
  private long durable() {
    return policy == FsyncPolicy.ALWAYS ? synced : written;
  }

  @Override
  public void sync(long ticket) throws IOException {
    if (ticket <= durable()) {
      return;
    }
    commitLock.lock();
    try {
      if (ticket > durable()) {
        commit();
      }
    } finally {
      commitLock.unlock();
    }
  }

  /** Writes the whole batch with one {@code write()}, fsyncing under always; holds commitLock. */
  private void commit() throws IOException {
    ByteBuffer[] records;
    long upTo;
    synchronized (batchLock) {
      upTo = appended;
      records = batch.toArray(new ByteBuffer[0]);
      batch.clear();
    }
    if (records.length > 0) {
      long start = fileLength;
      try {
        long bytes = 0;
        for (ByteBuffer r : records) {
          bytes += r.remaining();
        }
        long done = 0;
        while (done < bytes) {
          done += channel.write(records);
        }
        fileLength = start + bytes;
        size = fileLength;
      } catch (IOException e) {
        restore(records, start);
        throw e;
      }
      written = upTo;
    }
    if (policy == FsyncPolicy.ALWAYS && synced < written) {
      long upToWritten = written;
      channel.force(false);
      synced = upToWritten;
    }
  }

  /** Puts a failed batch back in front and cuts the file back to its last whole record. */
  private void restore(ByteBuffer[] records, long length) {
    for (ByteBuffer r : records) {
      r.rewind();
    }
    synchronized (batchLock) {
      batch.addAll(0, Arrays.asList(records));
    }
    try {
      channel.truncate(length);
      channel.position(length);
    } catch (IOException e) {
      LOG.warn("journal {}: cannot cut back a failed write: {}", path, e.getMessage());
    }
  }

  @Override
  public CompletableFuture<Void> whenDurable(long ticket) {
    if (ticket <= durable()) {
      return DURABLE;
    }
    if (closed) {
      return CompletableFuture.failedFuture(new ClosedChannelException());
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    waiters.add(ticket, () -> done.complete(null), done::completeExceptionally);
    LockSupport.unpark(committer);
    return done;
  }

  /** Leads the commits of asynchronous waiters; under everysec also fsyncs once a second. */
  private void runCommitter() {
    while (!closed) {
      if (waiters.isEmpty()) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
      }
      if (!waiters.isEmpty()) {
        commitForWaiters();
      }
      if (policy == FsyncPolicy.EVERYSEC
          && clock.millis() - lastSyncMillis >= EVERYSEC_MILLIS) {
        lastSyncMillis = clock.millis();
        forceWritten();
      }
    }
  }

  private void commitForWaiters() {
    long max = waiters.maxTicket();
    IOException error = null;
    try {
      sync(max);
    } catch (IOException e) {
      error = e;
      LOG.warn("journal {}: writing failed: {}", path, e.getMessage());
    }
    release(error);
  }

  /** Completes the waiters whose ticket is durable, and fails the rest if {@code error}. */
  private void release(IOException error) {
    waiters.release(durable(), error);
  }

  /** Forces what was written to the OS so far (everysec), without holding up the leaders. */
  private void forceWritten() {
    long upTo;
    FileChannel ch;
    commitLock.lock();
    try {
      upTo = written;
      ch = channel;
    } finally {
      commitLock.unlock();
    }
    if (synced >= upTo) {
      return;
    }
    try {
      ch.force(false);
      synced = upTo;
    } catch (ClosedChannelException e) {
      // Rewritten or closed meanwhile: both force the file themselves.
    } catch (IOException e) {
      LOG.warn("journal {}: fsync failed: {}", path, e.getMessage());
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
    commitLock.lock();
    try {
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
      fileLength = pos;
      channel.position(pos);
      size = pos;
    } finally {
      commitLock.unlock();
    }
  }

  /** Counts every ticket issued so far as durable and drops the batch; holds commitLock. */
  private void dropBatch() {
    synchronized (batchLock) {
      batch.clear();
      written = appended;
      synced = appended;
    }
  }

  @Override
  public void reset() throws IOException {
    commitLock.lock();
    try {
      dropBatch();
      channel.truncate(0);
      channel.position(0);
      if (policy == FsyncPolicy.ALWAYS) {
        channel.force(true);
      }
      fileLength = 0;
      size = 0;
    } finally {
      commitLock.unlock();
    }
    release(null);
  }

  @Override
  public void rewrite(Collection<PendingWrite> pending) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    commitLock.lock();
    try {
      long length = 0;
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE,
          StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        for (PendingWrite w : pending) {
          ByteBuffer r = encode(w.key(), w.value());
          length += r.remaining();
          while (r.hasRemaining()) {
            out.write(r);
          }
        }
        out.force(true);
      }
      Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      channel.close();
      channel = open(path);
      channel.position(length);
      fileLength = length;
      size = length;
      dropBatch();
    } finally {
      commitLock.unlock();
    }
    release(null);
  }

  @Override
  public long sizeBytes() {
    return size;
  }

  /** Writes and forces what is still in the batch, stops the committer and closes the file. */
  @Override
  public void close() throws IOException {
    synchronized (batchLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    LockSupport.unpark(committer);
    try {
      committer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    IOException error = null;
    commitLock.lock();
    try {
      commit();
      if (policy != FsyncPolicy.NO) {
        channel.force(false);
        synced = written;
      }
    } catch (IOException e) {
      error = e;
    } finally {
      release(error != null ? error : new ClosedChannelException());
      channel.close();
      commitLock.unlock();
    }
    if (error != null) {
      throw error;
    }
  }
}
