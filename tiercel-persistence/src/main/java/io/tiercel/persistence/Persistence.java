package io.tiercel.persistence;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheDecorator;
import io.tiercel.core.CacheManager;
import io.tiercel.core.Clock;
import io.tiercel.core.FsyncPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's persistence: wraps every named cache so its writes are logged, recovers the caches at
 * start, snapshots them on a schedule, on demand ({@code SAVE}, {@code BGSAVE},
 * {@code BGREWRITEAOF}) and when the log outgrows the snapshot, and closes cleanly.
 *
 * <p>Lifecycle: create it, pass it as the {@link CacheDecorator} of the node's
 * {@link CacheManager}, call {@link #recover} before accepting clients, {@link #close} after the
 * last client is gone. A snapshot is also the log's rewrite: it starts a new log segment and lets
 * the segments before the previous snapshot go, so the log never grows without bound and a
 * rewrite needs no second copy of the data in memory.
 */
public final class Persistence implements CacheDecorator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
  private static final long TICK_MS = 1000;

  private final PersistenceConfig config;
  private final Clock clock;
  private final Map<String, CacheStore> stores = new ConcurrentHashMap<>();
  private final LogWriter writer;
  private final ScheduledExecutorService background;
  private final AtomicBoolean bgsaveRunning = new AtomicBoolean();
  private volatile boolean recovered;
  private volatile boolean closed;
  private volatile long lastSaveMillis;
  private volatile boolean lastBgsaveOk = true;
  private volatile long saves;
  private volatile long rewrites;
  private volatile LoadProgress load;
  private volatile long lastLoadMillis;
  private volatile long lastLoadKeys;

  /** Creates the persistence of a node; nothing is read until {@link #recover}. */
  public Persistence(PersistenceConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      Files.createDirectories(config.dir());
    } catch (IOException e) {
      throw new UncheckedIOException("dir: cannot create " + config.dir(), e);
    }
    if (!Files.isWritable(config.dir())) {
      throw new IllegalArgumentException("dir: '" + config.dir() + "' is not writable");
    }
    this.writer = config.appendOnly() ? new LogWriter(config.fsync(), clock) : null;
    this.background = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "tiercel-snapshot");
      t.setDaemon(true);
      return t;
    });
  }

  /** Returns the settings. */
  public PersistenceConfig config() {
    return config;
  }

  /** Returns the gate replies wait at under {@code appendfsync always}. */
  public CommitGate commitGate() {
    return writer != null && config.fsync() == FsyncPolicy.ALWAYS ? writer : CommitGate.NONE;
  }

  /* --------------- CacheDecorator --------------- */

  @Override
  public Cache decorate(Cache cache) {
    LoggedCache logged = new LoggedCache(cache);
    CacheStore store = new CacheStore(config.dir(), logged);
    try {
      if (recovered) {
        // A new cache starts empty, whatever a dropped namesake left behind.
        CacheStore.deleteTree(store.dir);
      }
      store.writeManifest(cache.config());
      if (recovered && writer != null) {
        store.openLog(writer, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the files of cache '" + cache.name() + "'", e);
    }
    stores.put(cache.name(), store);
    return logged;
  }

  @Override
  public void dropped(String name) {
    CacheStore store = stores.remove(name);
    if (store == null) {
      return;
    }
    try {
      if (writer != null) {
        store.closeLog(writer);
      }
      store.deleteFiles();
    } catch (IOException e) {
      LOG.warn("cache '{}': could not delete its files under {}", name, store.dir, e);
    }
  }

  /* --------------- Recovery --------------- */

  /**
   * Creates the caches found on disk in {@code caches}, loads each from its newest valid snapshot
   * and the log after it, then starts logging and the snapshot schedule.
   *
   * @throws IOException if a log is damaged and {@code loadTruncated} is off, or the disk fails
   */
  public void recover(CacheManager caches) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> list = Files.list(config.dir())) {
      list.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    for (Path d : dirs) {
      String name = d.getFileName().toString();
      String spec = CacheStore.readManifest(d);
      if (spec == null) {
        if (!Files.exists(d.resolve(CacheStore.MANIFEST)) && hasCacheFiles(d)) {
          LOG.warn("removing {}: cache files without a manifest (an interrupted CACHE DROP)", d);
          CacheStore.deleteTree(d);
        }
        continue;
      }
      if (caches.get(name) == null) {
        caches.create(name, CacheConfig.parse(spec));
      }
    }
    long total = 0;
    for (CacheStore s : stores.values()) {
      total += bytesOf(s.dir);
    }
    LoadProgress progress = new LoadProgress(clock, total);
    load = progress;
    long start = clock.millis();
    for (CacheStore s : stores.values()) {
      long lastLsn = s.recover(writer != null, config.loadTruncated(), clock, progress);
      if (writer == null && !AppendLog.segments(s.dir).isEmpty()) {
        LOG.warn("cache '{}': appendonly is off, so its log under {} was not replayed", s.name,
            s.dir);
      }
      if (writer != null) {
        s.openLog(writer, lastLsn);
      }
      s.changesAtLastSave = s.cache.changes();
      s.lastSaveMillis = clock.millis();
    }
    lastSaveMillis = clock.millis();
    progress.finish();
    lastLoadMillis = clock.millis() - start;
    lastLoadKeys = progress.keys();
    if (total > 0) {
      LOG.info("recovered {} keys from {} MB in {} ms", progress.keys(),
          String.format(java.util.Locale.ROOT, "%.1f", total / 1e6), lastLoadMillis);
    }
    recovered = true;
    background.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  private static boolean hasCacheFiles(Path d) throws IOException {
    try (Stream<Path> files = Files.list(d)) {
      return files.anyMatch(f -> SnapshotFile.seqOf(f) >= 0 || AppendLog.firstLsnOf(f) >= 0);
    }
  }

  private static long bytesOf(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    long total = 0;
    for (Path p : SnapshotFile.list(dir)) {
      total += Files.size(p);
      break;
    }
    for (Path p : AppendLog.segments(dir)) {
      total += Files.size(p);
    }
    return total;
  }

  /* --------------- Snapshots --------------- */

  /** Runs once a second: scheduled snapshots of changed caches and rewrites of grown logs. */
  private void tick() {
    if (closed) {
      return;
    }
    long now = clock.millis();
    long interval = config.snapshotInterval().toMillis();
    for (CacheStore s : stores.values()) {
      try {
        long since = now - s.lastSaveMillis;
        if (interval > 0 && since >= interval && s.changesSinceSave() > 0) {
          snapshot(s, "snapshot-interval");
        } else if (logOutgrewSnapshot(s)) {
          snapshot(s, "log growth");
          rewrites++;
        }
      } catch (IOException | RuntimeException e) {
        lastBgsaveOk = false;
        LOG.error("cache '{}': snapshot failed", s.name, e);
      }
    }
  }

  /** Returns whether the log since the last snapshot is over the minimum and twice the snapshot. */
  private boolean logOutgrewSnapshot(CacheStore s) {
    AppendLog l = s.log();
    if (l == null) {
      return false;
    }
    long grown = l.bytesSinceRotation();
    return grown > config.rewriteMinSize() && grown > 2 * s.lastSaveBytes;
  }

  private void snapshot(CacheStore s, String reason) throws IOException {
    SnapshotFile.Written w = s.snapshot(clock);
    saves++;
    lastSaveMillis = clock.millis();
    LOG.info("cache '{}': snapshot {} ({}): {} keys, {} bytes in {} ms", s.name,
        w.file().getFileName(), reason, w.entries(), w.bytes(), w.millis());
  }

  /** Snapshots every cache now, on the calling thread. */
  public void save() throws IOException {
    for (CacheStore s : stores.values()) {
      snapshot(s, "SAVE");
    }
  }

  /**
   * Starts snapshotting every cache in the background; returns false if a background save is
   * already running.
   */
  public boolean bgsave(boolean rewrite) {
    if (!bgsaveRunning.compareAndSet(false, true)) {
      return false;
    }
    background.execute(() -> {
      try {
        for (CacheStore s : stores.values()) {
          snapshot(s, rewrite ? "BGREWRITEAOF" : "BGSAVE");
        }
        if (rewrite) {
          rewrites++;
        }
        lastBgsaveOk = true;
      } catch (IOException | RuntimeException e) {
        lastBgsaveOk = false;
        LOG.error("background save failed", e);
      } finally {
        bgsaveRunning.set(false);
      }
    });
    return true;
  }

  /** Returns whether a background save is running. */
  public boolean bgsaveInProgress() {
    return bgsaveRunning.get();
  }

  /** Returns the time of the last successful snapshot in epoch seconds (0 if none). */
  public long lastSaveSeconds() {
    return lastSaveMillis / 1000;
  }

  /** Returns the fields of {@code INFO persistence}, with Redis's names where Redis has one. */
  public Map<String, String> info() {
    Map<String, String> m = new LinkedHashMap<>();
    LoadProgress p = load;
    long changes = 0;
    long logSize = 0;
    long snapshotSize = 0;
    boolean writeOk = true;
    boolean saving = false;
    for (CacheStore s : stores.values()) {
      changes += s.changesSinceSave();
      snapshotSize += s.lastSaveBytes;
      saving |= s.saving;
      AppendLog l = s.log();
      if (l != null) {
        logSize += l.totalSize();
        writeOk &= l.lastWriteOk();
      }
    }
    m.put("loading", p != null && p.loading() ? "1" : "0");
    m.put("async_loading", "0");
    m.put("rdb_changes_since_last_save", Long.toString(changes));
    m.put("rdb_bgsave_in_progress", saving || bgsaveRunning.get() ? "1" : "0");
    m.put("rdb_last_save_time", Long.toString(lastSaveSeconds()));
    m.put("rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
    m.put("rdb_saves", Long.toString(saves));
    m.put("rdb_last_save_size", Long.toString(snapshotSize));
    m.put("aof_enabled", writer != null ? "1" : "0");
    m.put("aof_rewrite_in_progress", saving && writer != null ? "1" : "0");
    m.put("aof_rewrites", Long.toString(rewrites));
    m.put("aof_last_write_status", writeOk ? "ok" : "err");
    m.put("aof_fsync", config.fsync().configName());
    m.put("aof_current_size", Long.toString(logSize));
    m.put("snapshot_interval_seconds", Long.toString(config.snapshotInterval().toSeconds()));
    m.put("loading_loaded_keys", Long.toString(lastLoadKeys));
    m.put("loading_time_ms", Long.toString(lastLoadMillis));
    m.put("dir", config.dir().toAbsolutePath().toString());
    return m;
  }

  /**
   * Stops the schedule, takes a final snapshot if snapshots are on and the log is off (as Redis
   * saves on shutdown), and writes, forces and closes every log.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    background.shutdown();
    try {
      background.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (recovered && writer == null && !config.snapshotInterval().isZero()) {
      for (CacheStore s : stores.values()) {
        if (s.changesSinceSave() > 0) {
          try {
            snapshot(s, "shutdown");
          } catch (IOException | RuntimeException e) {
            LOG.error("cache '{}': the shutdown snapshot failed", s.name, e);
          }
        }
      }
    }
    if (writer != null) {
      for (CacheStore s : stores.values()) {
        try {
          s.closeLog(writer);
        } catch (IOException e) {
          LOG.error("cache '{}': could not close its log", s.name, e);
        }
      }
      writer.close();
    }
  }
}
