package io.tiercel.persistence;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's log of cache creations and drops: {@code <dir>/catalog.tlog}, the part of the
 * append-only log that says which caches exist, with their settings.
 *
 * <p><b>Why a log of its own.</b> Key changes are logged per cache, under the cache's directory,
 * so a snapshot and a rewrite concern one cache at a time. Which caches exist is node state that
 * no cache's files can hold: a dropped cache's files go away, and a cache that is not logged
 * ({@code appendonly=no}) has no log. So CREATE and DROP are records of this log, in the same
 * format as every log segment ({@link AppendLog}: checksummed {@code [length][crc][type][lsn]...}
 * records after a checksummed header), forced to disk before the command is acknowledged, and
 * replayed in log order at start: a DROP then a CREATE of the same name leaves the second cache,
 * with its own settings. This replaces the per-cache manifest ({@code cache.meta}) of earlier
 * versions, which is read once, if no catalog exists yet, and then deleted.
 *
 * <p><b>Ordering with the cache's own files.</b> A cache's directory belongs to its live
 * incarnation: before a CREATE is appended, whatever a dropped namesake left is deleted; a DROP
 * is appended (and forced) before the directory is deleted. A crash between the two leaves a
 * directory no live CREATE owns, which recovery deletes, so keys of a dropped cache never come
 * back, and keys of a re-created one start from nothing.
 *
 * <p><b>Compaction.</b> At start, after replay, the catalog is rewritten atomically (temporary
 * file, fsync, rename, fsync of the directory) with one CREATE per live cache, so it never holds
 * more than the caches that exist plus the creations and drops since the node started.
 *
 * <p><b>Damage.</b> A damaged tail is treated like a cache log's: cut with a warning, or, with
 * {@code aof-load-truncated no}, the node refuses to start.
 */
final class CacheCatalog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CacheCatalog.class);
  static final String FILE = "catalog.tlog";

  /**
   * A live cache as the catalog records it.
   *
   * @param name the cache's name
   * @param cacheSpec its store settings, as {@code CacheConfig.parse} reads them
   * @param settingsSpec its persistence settings, as {@link CacheSettings#withSpec} reads them
   */
  record Entry(String name, String cacheSpec, String settingsSpec) {}

  private final Path file;
  private final LogWriter writer;
  private FileChannel channel;
  private long size;
  private long lastLsn;

  private CacheCatalog(Path file, LogWriter writer) {
    this.file = file;
    this.writer = writer;
  }

  /** Returns whether {@code dir} holds a catalog. */
  static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FILE));
  }

  /**
   * Replays the catalog under {@code dir}; returns the live caches in creation order (empty if
   * there is no catalog).
   *
   * @throws IOException if the catalog is damaged and {@code loadTruncated} is off
   */
  static Map<String, Entry> replay(Path dir, boolean loadTruncated, LoadProgress progress)
      throws IOException {
    Path file = dir.resolve(FILE);
    Map<String, Entry> live = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return live;
    }
    LogReplayer.Result r = LogReplayer.replay(file, "catalog", 0, progress, (type, p) -> {
      switch (type) {
        case AppendLog.CREATE -> {
          Entry e = new Entry(string(p), string(p), string(p));
          live.remove(e.name());
          live.put(e.name(), e);
        }
        case AppendLog.DROP -> live.remove(string(p));
        default -> throw new IllegalArgumentException("record type " + type + " in the catalog");
      }
    });
    if (r.damage() != null) {
      if (!loadTruncated) {
        throw new IOException("the cache catalog " + file + " is damaged: "
            + r.damage().getMessage() + "; start with --aof-load-truncated yes to cut it there",
            r.damage());
      }
      LOG.warn("cache catalog {}: {}; the creations and drops after it are lost (the catalog is "
          + "rewritten from what was read)", file, r.damage().getMessage());
    }
    return live;
  }

  /**
   * Rewrites the catalog under {@code dir} atomically with one CREATE per entry of {@code live},
   * and opens it for appending.
   */
  static CacheCatalog rewrite(Path dir, Collection<Entry> live, LogWriter writer)
      throws IOException {
    CacheCatalog c = new CacheCatalog(dir.resolve(FILE), writer);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.writeBytes(AppendLog.header(1));
    for (Entry e : live) {
      out.writeBytes(c.record(AppendLog.CREATE, e.name(), e.cacheSpec(), e.settingsSpec()));
    }
    DurableFiles.writeAtomically(c.file, out.toByteArray());
    c.channel = FileChannel.open(c.file, StandardOpenOption.WRITE);
    c.size = c.channel.size();
    return c;
  }

  /** Appends and forces the creation of cache {@code name}. */
  synchronized void create(String name, String cacheSpec, String settingsSpec)
      throws IOException {
    append(record(AppendLog.CREATE, name, cacheSpec, settingsSpec));
  }

  /** Appends and forces the drop of cache {@code name}. */
  synchronized void drop(String name) throws IOException {
    append(record(AppendLog.DROP, name));
  }

  private void append(byte[] record) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(record);
    long at = size;
    try {
      while (b.hasRemaining()) {
        at += channel.write(b, at);
      }
      writer.force(channel);
    } catch (IOException e) {
      // Leave no half record behind: the next append starts where this one did.
      channel.truncate(size);
      lastLsn--;
      throw e;
    }
    size = at;
  }

  /** Encodes a record with the next LSN: {@code [len][crc][type][lsn]} then each string. */
  private byte[] record(byte type, String... strings) {
    byte[][] bytes = new byte[strings.length][];
    int payload = 1 + 8;
    for (int i = 0; i < strings.length; i++) {
      bytes[i] = strings[i].getBytes(StandardCharsets.UTF_8);
      payload += 4 + bytes[i].length;
    }
    ByteBuffer b = ByteBuffer.allocate(8 + payload);
    b.putInt(payload).putInt(0).put(type).putLong(++lastLsn);
    for (byte[] s : bytes) {
      b.putInt(s.length).put(s);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 8, payload);
    b.putInt(4, (int) crc.getValue());
    return b.array();
  }

  private static String string(ByteBuffer p) {
    return new String(LogReplayer.bytes(p), StandardCharsets.UTF_8);
  }

  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}
