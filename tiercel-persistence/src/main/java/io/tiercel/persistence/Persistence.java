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
import java.util.function.Supplier;
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
 *
 * <p>Each cache is kept as its own {@link CacheSettings} say (logged or not, its fsync policy,
 * its snapshot interval; the node's settings are the defaults). Which caches exist, with those
 * settings, is the {@link CacheCatalog}'s: creations and drops are its records, replayed in order
 * at start. One {@link LogWriter} thread writes every cache's log, with a memory bound shared by
 * all of them.
 */
public final class Persistence implements CacheDecorator, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Persistence.class);
  private static final long TICK_MS = 1000;

  private final PersistenceConfig config;
  private final Clock clock;
  private final Map<String, CacheStore> stores = new ConcurrentHashMap<>();
  private final Map<String, CacheSettings> requested = new ConcurrentHashMap<>();
  private final LogWriter writer;
  private volatile CacheCatalog catalog;
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
    this(config, clock, LogSync.FORCE);
  }

  /** Creates the persistence of a node whose logs are forced through {@code sync}. */
  public Persistence(PersistenceConfig config, Clock clock, LogSync sync) {
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
    this.writer = new LogWriter(clock, config.bufferLimit(), config.bufferWait(), sync);
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

  /**
   * Returns the gate replies wait at: only writes to caches with {@code appendfsync always} leave
   * a ticket, so connections writing elsewhere never wait.
   */
  public CommitGate commitGate() {
    return writer;
  }

  /** Returns the settings a cache gets when its definition does not say. */
  public CacheSettings defaults() {
    return config.cacheDefaults();
  }

  /**
   * Runs {@code create}, which creates cache {@code name} in the node's {@link CacheManager}, so
   * that the cache is kept as {@code settings} say (and its CREATE records them).
   */
  public synchronized <T> T create(String name, CacheSettings settings, Supplier<T> create) {
    requested.put(name, Objects.requireNonNull(settings, "settings"));
    try {
      return create.get();
    } finally {
      requested.remove(name);
    }
  }

  /** Returns the settings of cache {@code name}, or null if it is not kept on disk. */
  public CacheSettings settings(String name) {
    CacheStore s = stores.get(name);
    return s == null ? null : s.settings;
  }

  /* --------------- CacheDecorator --------------- */

  @Override
  public synchronized Cache decorate(Cache cache) {
    String name = cache.name();
    if (stores.containsKey(name)) {
      throw new IllegalArgumentException("cache name: '" + name + "' already exists");
    }
    CacheSettings settings = requested.getOrDefault(name, config.cacheDefaults());
    LoggedCache logged = new LoggedCache(cache);
    CacheStore store = new CacheStore(config.dir(), logged, settings);
    boolean recorded = false;
    try {
      if (recovered) {
        // A new cache starts empty, whatever a dropped namesake left behind: its files go
        // before the CREATE is on disk, so they can never be taken for the new cache's.
        CacheStore.deleteTree(store.dir);
        if (!CacheManager.DEFAULT_CACHE.equals(name)) {
          catalog.create(name, CacheStore.spec(cache.config()), settings.spec());
          recorded = true;
        }
      }
      store.createDirectory();
      if (recovered && settings.appendOnly()) {
        store.openLog(writer, 0);
      }
    } catch (IOException e) {
      if (recorded) {
        undoCreate(name);
      }
      throw new UncheckedIOException("cannot create the files of cache '" + name + "'", e);
    }
    // The interval counts from the cache's creation (recovery resets it once loaded).
    store.lastSaveMillis = clock.millis();
    stores.put(name, store);
    return logged;
  }

  private void undoCreate(String name) {
    try {
      catalog.drop(name);
    } catch (IOException e) {
      LOG.error("cache '{}': its creation failed and could not be undone in the catalog; it "
          + "will exist, empty, after a restart", name, e);
    }
  }

  /** Stops logging the cache, records its DROP in the catalog, then deletes its files. */
  @Override
  public synchronized void dropped(String name) {
    CacheStore store = stores.remove(name);
    if (store == null) {
      return;
    }
    try {
      store.closeLog(writer);
      CacheCatalog c = catalog;
      if (c != null) {
        c.drop(name);
      }
      store.deleteFiles();
    } catch (IOException e) {
      LOG.error("cache '{}': its drop could not be recorded or its files under {} deleted; it "
          + "may come back after a restart", name, store.dir, e);
    }
  }

  /* --------------- Recovery --------------- */

  /** Recovers as {@link #recover(CacheManager, Map)} with no cache's settings overridden. */
  public void recover(CacheManager caches) throws IOException {
    recover(caches, Map.of());
  }

  /**
   * Replays the catalog, creating the caches it records in {@code caches} (with the settings in
   * {@code configured} where the config file defines the cache, else the recorded ones), deletes
   * the files of dropped caches, loads each cache from its newest valid snapshot and the log
   * after it, then starts logging and the snapshot schedule.
   *
   * @throws IOException if a log is damaged and {@code loadTruncated} is off, or the disk fails
   */
  public void recover(CacheManager caches, Map<String, CacheSettings> configured)
      throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> list = Files.list(config.dir())) {
      list.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    boolean legacy = !CacheCatalog.exists(config.dir());
    Map<String, CacheCatalog.Entry> live = legacy ? legacyManifests(dirs)
        : CacheCatalog.replay(config.dir(), config.loadTruncated(), new LoadProgress(clock, 0));
    for (Path d : dirs) {
      String name = d.getFileName().toString();
      if (!live.containsKey(name) && !CacheManager.DEFAULT_CACHE.equals(name)
          && hasCacheFiles(d)) {
        LOG.warn("removing {}: the files of cache '{}', which the catalog records as dropped", d,
            name);
        CacheStore.deleteTree(d);
      }
    }
    for (CacheCatalog.Entry e : live.values()) {
      if (CacheManager.DEFAULT_CACHE.equals(e.name()) || caches.get(e.name()) != null) {
        continue;
      }
      CacheSettings settings = configured.get(e.name());
      if (settings == null) {
        settings = config.cacheDefaults().withSpec(e.settingsSpec());
      }
      create(e.name(), settings,
          () -> caches.create(e.name(), CacheConfig.parse(CacheStore.upgradeSpec(e.cacheSpec()))));
    }
    List<CacheCatalog.Entry> entries = new ArrayList<>();
    for (String name : live.keySet()) {
      CacheStore s = stores.get(name);
      if (s != null && !CacheManager.DEFAULT_CACHE.equals(name)) {
        entries.add(new CacheCatalog.Entry(name, CacheStore.spec(s.cache.config()),
            s.settings.spec()));
      }
    }
    catalog = CacheCatalog.rewrite(config.dir(), entries, writer);
    if (legacy) {
      for (Path d : dirs) {
        Files.deleteIfExists(d.resolve(CacheStore.MANIFEST));
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
      boolean logged = s.settings.appendOnly();
      long lastLsn = s.recover(logged, config.loadTruncated(), clock, progress);
      if (!logged && !AppendLog.segments(s.dir).isEmpty()) {
        LOG.warn("cache '{}': appendonly is off, so its log under {} was not replayed", s.name,
            s.dir);
      }
      if (logged) {
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
      return files.anyMatch(f -> SnapshotFile.seqOf(f) >= 0 || AppendLog.firstLsnOf(f) >= 0
          || f.getFileName().toString().equals(CacheStore.MANIFEST));
    }
  }

  /** Returns the caches of a directory written before the catalog: those with a manifest. */
  private Map<String, CacheCatalog.Entry> legacyManifests(List<Path> dirs) throws IOException {
    Map<String, CacheCatalog.Entry> live = new LinkedHashMap<>();
    for (Path d : dirs) {
      String spec = CacheStore.readManifest(d);
      if (spec != null) {
        String name = d.getFileName().toString();
        live.put(name, new CacheCatalog.Entry(name, spec, config.cacheDefaults().spec()));
      }
    }
    return live;
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
  void tick() {
    if (closed) {
      return;
    }
    long now = clock.millis();
    for (CacheStore s : stores.values()) {
      long interval = s.settings.snapshotInterval().toMillis();
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
    boolean anyLogged = false;
    for (CacheStore s : stores.values()) {
      anyLogged |= s.settings.appendOnly();
    }
    m.put("aof_enabled", anyLogged ? "1" : "0");
    m.put("aof_rewrite_in_progress", saving && anyLogged ? "1" : "0");
    m.put("aof_rewrites", Long.toString(rewrites));
    m.put("aof_last_write_status", writeOk ? "ok" : "err");
    m.put("aof_fsync", config.fsync().configName());
    m.put("aof_current_size", Long.toString(logSize));
    m.put("snapshot_interval_seconds", Long.toString(config.snapshotInterval().toSeconds()));
    m.put("loading_loaded_keys", Long.toString(lastLoadKeys));
    m.put("loading_time_ms", Long.toString(lastLoadMillis));
    m.put("aof_buffer_length", Long.toString(writer.bufferedBytes()));
    m.put("aof_buffer_limit", Long.toString(writer.bufferLimit()));
    m.put("aof_buffer_full_waits", Long.toString(writer.admitWaits()));
    m.put("aof_buffer_full_refusals", Long.toString(writer.admitRefusals()));
    m.put("dir", config.dir().toAbsolutePath().toString());
    for (String name : new java.util.TreeSet<>(stores.keySet())) {
      CacheStore s = stores.get(name);
      if (s != null) {
        m.put("cache_" + name + "_persistence", String.join(",", describe(s).entrySet().stream()
            .map(e -> e.getKey().replace('-', '_') + "=" + e.getValue()).toList()));
      }
    }
    return m;
  }

  /**
   * Returns how cache {@code name} is kept on disk ({@code appendonly}, {@code appendfsync},
   * {@code snapshot-interval}, log and snapshot sizes), for {@code CACHE INFO}; empty if it is not.
   */
  public Map<String, String> describe(String name) {
    CacheStore s = stores.get(name);
    return s == null ? Map.of() : describe(s);
  }

  private static Map<String, String> describe(CacheStore s) {
    Map<String, String> m = new LinkedHashMap<>(s.settings.describe());
    AppendLog l = s.log();
    m.put("aof-size", Long.toString(l == null ? 0 : l.totalSize()));
    m.put("last-snapshot-size", Long.toString(s.lastSaveBytes));
    m.put("changes-since-save", Long.toString(s.changesSinceSave()));
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
    if (recovered) {
      for (CacheStore s : stores.values()) {
        CacheSettings c = s.settings;
        if (!c.appendOnly() && !c.snapshotInterval().isZero() && s.changesSinceSave() > 0) {
          try {
            snapshot(s, "shutdown");
          } catch (IOException | RuntimeException e) {
            LOG.error("cache '{}': the shutdown snapshot failed", s.name, e);
          }
        }
      }
    }
    for (CacheStore s : stores.values()) {
      try {
        s.closeLog(writer);
      } catch (IOException e) {
        LOG.error("cache '{}': could not close its log", s.name, e);
      }
    }
    writer.close();
    CacheCatalog c = catalog;
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        LOG.warn("could not close the cache catalog", e);
      }
    }
  }

  /* --------------- Test hooks --------------- */

  /** Returns the log writer, for tests of its buffer. */
  LogWriter writer() {
    return writer;
  }
}
