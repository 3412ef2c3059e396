package io.tiercel.persistence;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheFullException;
import io.tiercel.core.Clock;
import io.tiercel.core.KeySlot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A snapshot of one named cache: how it is written while writes go on, and how it is read back.
 *
 * <p><b>Format</b> (big-endian): a header {@code "TIERSNP1" [int version] [long startLsn]
 * [long createdAtMillis] [int len][cache name] [int len][cache spec] [int crc32c]}; then blocks
 * {@code 'B' [int length] [int crc32c] [records]}, each record {@code [int klen] [int vlen]
 * [long expireAt] [key] [value]}; then the end {@code 'E' [long entries] [long recordBytes]
 * [int crc32c]}. A file without its end, or with any checksum wrong, is not used.
 *
 * <p><b>Fuzzy but consistent enough.</b> Writing does not stop writers: it visits the 16384 slots
 * one after another, each under that slot's write lock only for the time it takes to copy its
 * entries into the current block (the block is written outside the lock). Each key is therefore
 * captured at some moment between the start and the end of the scan. The log was rotated just
 * before the scan began, at {@code startLsn}; every change before it is in the snapshot, and
 * replaying every record after it, in order, brings each key to its final state, because records
 * carry results, not operations. Memory is bounded by one block (256 KB or one slot, whichever is
 * larger).
 *
 * <p><b>Atomic replacement.</b> The file is written as {@code .tmp}, forced, renamed to its final
 * name, and the directory is forced: a crash leaves the old snapshot or the new one, never a
 * half-written file under a snapshot name.
 */
final class SnapshotFile {
  static final byte[] MAGIC = "TIERSNP1".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  private static final int BLOCK = 256 << 10;
  private static final int MAX_BLOCK = Integer.MAX_VALUE - 64;

  private SnapshotFile() {}

  /** What a snapshot's header says. */
  record Header(long startLsn, long createdAtMillis, String cacheName, String spec) {}

  /** The outcome of writing one snapshot. */
  record Written(Path file, long entries, long bytes, long millis) {}

  private static final NumberedFiles SNAPSHOTS = new NumberedFiles("snapshot-", ".tsnap");

  /** Returns the snapshot file with sequence number {@code seq}. */
  static Path path(Path dir, long seq) {
    return SNAPSHOTS.path(dir, seq);
  }

  /** Returns the sequence number of a snapshot file from its name, or -1. */
  static long seqOf(Path file) {
    return SNAPSHOTS.numberOf(file);
  }

  /** Returns the snapshots under {@code dir}, newest first. */
  static List<Path> list(Path dir) throws IOException {
    return SNAPSHOTS.list(dir).reversed();
  }

  /* --------------- Writing --------------- */

  /** Writes a snapshot of {@code cache} to {@code file} atomically; returns what was written. */
  static Written write(Cache cache, String spec, long startLsn, Path file, Clock clock)
      throws IOException {
    long start = clock.millis();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Output out = new Output(tmp);
    try {
      out.header(startLsn, clock.millis(), cache.name(), spec);
      for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
        cache.forEachEntryInSlot(slot, out::record);
        if (out.blockLength >= BLOCK) {
          out.block();
        }
      }
      out.block();
      out.end();
      out.close(true);
    } catch (IOException | RuntimeException e) {
      out.close(false);
      Files.deleteIfExists(tmp);
      throw e;
    }
    DurableFiles.replace(tmp, file);
    return new Written(file, out.entries, Files.size(file), clock.millis() - start);
  }

  /** A buffered snapshot being written; records are copied into a block under a slot lock. */
  private static final class Output {
    private final FileChannel channel;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    private final CRC32C crc = new CRC32C();
    private byte[] block = new byte[BLOCK + (64 << 10)];
    int blockLength;
    long entries;
    long recordBytes;

    Output(Path tmp) throws IOException {
      channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING);
    }

    void header(long startLsn, long created, String name, String spec) throws IOException {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      byte[] s = spec.getBytes(StandardCharsets.UTF_8);
      ByteBuffer h = ByteBuffer.allocate(MAGIC.length + 4 + 8 + 8 + 4 + n.length + 4 + s.length);
      h.put(MAGIC).putInt(VERSION).putLong(startLsn).putLong(created);
      h.putInt(n.length).put(n).putInt(s.length).put(s);
      crc.reset();
      crc.update(h.array(), 0, h.position());
      put(h.array(), 0, h.position());
      putInt((int) crc.getValue());
    }

    /** Copies one entry into the block; runs under the slot's write lock, so it does no I/O. */
    void record(byte[] data, int keyOffset, int keyLength, int valueLength, long expireAt) {
      int need = blockLength + 16 + keyLength + valueLength;
      if (need > block.length) {
        block = Arrays.copyOf(block, Math.max(need, Math.min(MAX_BLOCK, block.length * 2)));
      }
      ByteBuffer b = ByteBuffer.wrap(block, blockLength, 16);
      b.putInt(keyLength).putInt(valueLength).putLong(expireAt);
      System.arraycopy(data, keyOffset, block, blockLength + 16, keyLength + valueLength);
      blockLength = need;
      entries++;
    }

    void block() throws IOException {
      if (blockLength == 0) {
        return;
      }
      crc.reset();
      crc.update(block, 0, blockLength);
      putByte((byte) 'B');
      putInt(blockLength);
      putInt((int) crc.getValue());
      put(block, 0, blockLength);
      recordBytes += blockLength;
      blockLength = 0;
      if (block.length > BLOCK * 4) {
        block = new byte[BLOCK + (64 << 10)];
      }
    }

    void end() throws IOException {
      ByteBuffer e = ByteBuffer.allocate(17);
      e.put((byte) 'E').putLong(entries).putLong(recordBytes);
      crc.reset();
      crc.update(e.array(), 0, 17);
      put(e.array(), 0, 17);
      putInt((int) crc.getValue());
    }

    private void putByte(byte v) throws IOException {
      room(1);
      buf.put(v);
    }

    private void putInt(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    private void put(byte[] src, int offset, int length) throws IOException {
      while (length > 0) {
        room(1);
        int n = Math.min(length, buf.remaining());
        buf.put(src, offset, n);
        offset += n;
        length -= n;
      }
    }

    private void room(int n) throws IOException {
      if (buf.remaining() < n) {
        flush();
      }
    }

    private void flush() throws IOException {
      buf.flip();
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      buf.clear();
    }

    void close(boolean sync) throws IOException {
      try {
        if (sync) {
          flush();
          channel.force(true);
        }
      } finally {
        channel.close();
      }
    }
  }

  /* --------------- Reading --------------- */

  /** Reads only the header of {@code file}. */
  static Header readHeader(Path file) throws IOException {
    try (FileInput in = new FileInput(file)) {
      return header(in);
    }
  }

  private static Header header(FileInput in) throws IOException {
    // The whole header (at most 8232 bytes) is made readable at once, so offsets stay valid.
    int want = (int) Math.min(in.size(), MAGIC.length + 4 + 8 + 8 + 2 * (4 + 4096) + 4);
    if (want < MAGIC.length + 4 + 8 + 8 + 4 + 4 + 4 || !in.ensure(want)) {
      throw in.corrupt("too short for a snapshot header");
    }
    ByteBuffer b = in.buffer();
    int start = b.position();
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw in.corruptAt(0, "not a Tiercel snapshot (bad magic)");
    }
    int version = b.getInt();
    if (version != VERSION) {
      throw in.corruptAt(8, "snapshot version " + version + " (expected: " + VERSION + ")");
    }
    long startLsn = b.getLong();
    long created = b.getLong();
    String name = string(in);
    String spec = string(in);
    int headerLength = in.buffer().position() - start;
    if (!in.ensure(4)) {
      throw in.corrupt("truncated header");
    }
    CRC32C crc = new CRC32C();
    ByteBuffer whole = in.buffer().duplicate();
    whole.position(in.buffer().position() - headerLength).limit(in.buffer().position());
    crc.update(whole);
    if ((int) crc.getValue() != in.buffer().getInt()) {
      throw in.corruptAt(0, "header checksum mismatch");
    }
    return new Header(startLsn, created, name, spec);
  }

  private static String string(FileInput in) throws IOException {
    if (!in.ensure(4)) {
      throw in.corrupt("truncated header");
    }
    int n = in.buffer().getInt();
    if (n < 0 || n > 4096 || !in.ensure(n)) {
      throw in.corrupt("bad header string length " + n);
    }
    byte[] s = new byte[n];
    in.buffer().get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  /**
   * Loads every unexpired entry of {@code file} into {@code cache}; returns the header.
   *
   * @throws CorruptFileException if a checksum fails or the file ends early; the cache then holds
   *     part of the file and the caller purges it
   */
  static Header load(Path file, Cache cache, Clock clock, LoadProgress progress)
      throws IOException {
    try (FileInput in = new FileInput(file)) {
      Header header = header(in);
      CRC32C crc = new CRC32C();
      long entries = 0;
      long recordBytes = 0;
      long consumed = in.position();
      progress.advance(cache.name(), consumed, 0);
      while (true) {
        if (!in.ensure(1)) {
          throw in.corrupt("ends without its end marker (truncated)");
        }
        ByteBuffer b = in.buffer();
        byte type = b.get();
        if (type == 'E') {
          if (!in.ensure(20)) {
            throw in.corrupt("truncated end marker");
          }
          ByteBuffer e = in.buffer();
          long count = e.getLong();
          long total = e.getLong();
          int sum = e.getInt();
          crc.reset();
          ByteBuffer check = ByteBuffer.allocate(17).put((byte) 'E').putLong(count).putLong(total);
          crc.update(check.array(), 0, 17);
          if ((int) crc.getValue() != sum || count != entries || total != recordBytes) {
            throw in.corrupt("end marker says " + count + " entries in " + total
                + " bytes, read " + entries + " in " + recordBytes);
          }
          progress.advance(cache.name(), in.position() - consumed, 0);
          return header;
        }
        if (type != 'B') {
          throw in.corruptAt(in.position() - 1, "unknown block type " + type);
        }
        long blockStart = in.position() - 1;
        if (!in.ensure(8)) {
          throw in.corrupt("truncated block header");
        }
        int length = in.buffer().getInt();
        int sum = in.buffer().getInt();
        if (length <= 0 || length > MAX_BLOCK || length > in.size() - in.position()) {
          throw in.corruptAt(blockStart, "block length " + length + " runs past the file");
        }
        if (!in.ensure(length)) {
          throw in.corrupt("truncated block");
        }
        ByteBuffer block = in.buffer().duplicate();
        block.limit(block.position() + length);
        crc.reset();
        crc.update(block.duplicate());
        if ((int) crc.getValue() != sum) {
          throw in.corruptAt(blockStart, "block checksum mismatch");
        }
        long[] counts = loadBlock(block, cache, clock, in, blockStart);
        in.buffer().position(in.buffer().position() + length);
        entries += counts[0];
        recordBytes += length;
        progress.advance(cache.name(), in.position() - consumed, counts[1]);
        consumed = in.position();
      }
    }
  }

  /** Puts a verified block's unexpired records; returns {records, loaded}. */
  private static long[] loadBlock(ByteBuffer block, Cache cache, Clock clock, FileInput in,
      long blockStart) throws CorruptFileException {
    long now = clock.millis();
    long loaded = 0;
    long records = 0;
    ByteBuffer b = block.duplicate();
    while (b.hasRemaining()) {
      if (b.remaining() < 16) {
        throw in.corruptAt(blockStart, "record header cut by the block's end");
      }
      int klen = b.getInt();
      int vlen = b.getInt();
      long expireAt = b.getLong();
      if (klen < 0 || vlen < 0 || (long) klen + vlen > b.remaining()) {
        throw in.corruptAt(blockStart, "record lengths " + klen + "+" + vlen + " overrun the block");
      }
      byte[] key = new byte[klen];
      b.get(key);
      byte[] value = new byte[vlen];
      b.get(value);
      records++;
      if (expireAt != Cache.NO_EXPIRY && expireAt <= now) {
        continue;
      }
      try {
        cache.put(key, value, expireAt);
        loaded++;
      } catch (CacheFullException e) {
        // The cache's budget shrank since the snapshot; the entry is skipped like an eviction.
      }
    }
    return new long[] {records, loaded};
  }
}
