package io.tiercel.persistence;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheFullException;
import io.tiercel.core.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Replays one log segment into a cache, skipping records at or before a snapshot's start, and
 * stops at the first record that fails its checks.
 *
 * <p>Damage is reported, not thrown: the result carries the offset of the last good record's end,
 * so the caller can cut the file there (a torn write at the tail after a crash is the common
 * case) or refuse to start. An expired SET removes the key rather than being skipped, so an older
 * value of the key from the snapshot cannot survive it.
 */
final class LogReplayer {
  private static final int PROGRESS_EVERY = 8192;

  private LogReplayer() {}

  /**
   * What one segment held.
   *
   * @param lastLsn the LSN of the last good record (or {@code firstLsn - 1} if none)
   * @param goodLength the offset just past the last good record
   * @param applied the records applied (after {@code afterLsn})
   * @param damage the first failed check, or null if the segment is whole
   */
  record Result(long lastLsn, long goodLength, long applied, CorruptFileException damage) {}

  /** Applies one record's payload (positioned after its type and LSN). */
  interface Sink {
    /** Applies a record of {@code type}; a RuntimeException marks the record undecodable. */
    void apply(byte type, ByteBuffer payload);
  }

  /** Replays the records of {@code segment} with LSNs after {@code afterLsn} into {@code cache}. */
  static Result replay(Path segment, Cache cache, long afterLsn, Clock clock,
      LoadProgress progress) throws IOException {
    return replay(segment, cache.name(), afterLsn, progress, (type, p) -> apply(type, p, cache,
        clock));
  }

  /**
   * Reads the records of {@code segment}, checking each, and hands those with LSNs after
   * {@code afterLsn} to {@code sink}; {@code name} labels the progress reports.
   */
  static Result replay(Path segment, String name, long afterLsn, LoadProgress progress,
      Sink sink) throws IOException {
    try (FileInput in = new FileInput(segment)) {
      long firstLsn;
      try {
        firstLsn = header(in);
      } catch (CorruptFileException e) {
        return new Result(-1, 0, 0, e);
      }
      long expected = firstLsn;
      long good = in.position();
      long applied = 0;
      long counted = 0;
      long reportedBytes = 0;
      long reportedApplied = 0;
      CRC32C crc = new CRC32C();
      CorruptFileException damage = null;
      while (!in.atEnd()) {
        long recordStart = in.position();
        if (!in.ensure(8)) {
          damage = in.corrupt("truncated record header (" + (in.size() - recordStart)
              + " bytes left)");
          break;
        }
        ByteBuffer b = in.buffer();
        int length = b.getInt();
        int sum = b.getInt();
        if (length < 9 || length > AppendLog.MAX_PAYLOAD || length > in.size() - in.position()) {
          damage = in.corruptAt(recordStart, "record length " + length + " runs past the end "
              + "(truncated write?)");
          break;
        }
        if (!in.ensure(length)) {
          damage = in.corruptAt(recordStart, "truncated record");
          break;
        }
        ByteBuffer payload = in.buffer().duplicate();
        payload.limit(payload.position() + length);
        crc.reset();
        crc.update(payload.duplicate());
        if ((int) crc.getValue() != sum) {
          damage = in.corruptAt(recordStart, "record checksum mismatch");
          break;
        }
        byte type = payload.get();
        long lsn = payload.getLong();
        if (lsn != expected) {
          damage = in.corruptAt(recordStart, "LSN " + lsn + " (expected: " + expected + ")");
          break;
        }
        if (lsn > afterLsn) {
          try {
            sink.apply(type, payload);
          } catch (RuntimeException e) {
            damage = in.corruptAt(recordStart, "undecodable record of type " + type + ": " + e);
            break;
          }
          applied++;
        }
        in.buffer().position(in.buffer().position() + length);
        expected++;
        good = in.position();
        if (++counted % PROGRESS_EVERY == 0) {
          progress.advance(name, good - reportedBytes, applied - reportedApplied);
          reportedBytes = good;
          reportedApplied = applied;
        }
      }
      progress.advance(name, in.size() - reportedBytes, applied - reportedApplied);
      return new Result(expected - 1, good, applied, damage);
    }
  }

  /** Reads and checks a segment header; returns its first LSN. */
  static long header(FileInput in) throws IOException {
    if (!in.ensure(AppendLog.HEADER)) {
      throw in.corruptAt(0, "too short for a log header");
    }
    ByteBuffer b = in.buffer();
    byte[] magic = new byte[AppendLog.MAGIC.length];
    b.get(magic);
    int version = b.getInt();
    long firstLsn = b.getLong();
    int sum = b.getInt();
    if (!Arrays.equals(magic, AppendLog.MAGIC)) {
      throw in.corruptAt(0, "not a Tiercel log (bad magic)");
    }
    if (!Arrays.equals(AppendLog.header(firstLsn), headerBytes(magic, version, firstLsn, sum))) {
      throw in.corruptAt(0, "log header checksum mismatch");
    }
    return firstLsn;
  }

  private static byte[] headerBytes(byte[] magic, int version, long firstLsn, int sum) {
    return ByteBuffer.allocate(AppendLog.HEADER).put(magic).putInt(version).putLong(firstLsn)
        .putInt(sum).array();
  }

  private static void apply(byte type, ByteBuffer p, Cache cache, Clock clock) {
    switch (type) {
      case AppendLog.SET -> {
        byte[] key = bytes(p);
        byte[] value = bytes(p);
        long expireAt = p.getLong();
        if (expireAt != Cache.NO_EXPIRY && expireAt <= clock.millis()) {
          cache.remove(key);
        } else {
          try {
            cache.put(key, value, expireAt);
          } catch (CacheFullException e) {
            // Refused live as well: the write never took effect.
          }
        }
      }
      case AppendLog.EXPIRE -> {
        byte[] key = bytes(p);
        long expireAt = p.getLong();
        cache.compute(key, e -> {
          if (e.exists()) {
            e.setExpireAt(expireAt);
          }
          return null;
        });
      }
      case AppendLog.DEL -> cache.remove(bytes(p));
      case AppendLog.PURGE -> {
        int slot = p.getInt();
        if (slot < 0) {
          cache.purge();
        } else {
          cache.removeSlot(slot);
        }
      }
      default -> throw new IllegalArgumentException("unknown record type " + type);
    }
  }

  /** Reads a length-prefixed byte string of a record. */
  static byte[] bytes(ByteBuffer p) {
    int n = p.getInt();
    if (n < 0 || n > p.remaining()) {
      throw new IllegalArgumentException("length " + n + " overruns the record");
    }
    byte[] b = new byte[n];
    p.get(b);
    return b;
  }
}
