package io.tiercel.persistence;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.Clock;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of one named cache under {@code <dir>/<name>/}: its snapshots and log segments;
 * recovers the cache from them and takes new snapshots, as the cache's own {@link CacheSettings}
 * say.
 *
 * <p><b>Existence.</b> Whether the cache exists, and with which settings, is recorded in the
 * node's {@link CacheCatalog}, not here: the directory is created after the cache's CREATE
 * record and deleted after its DROP record. (Earlier versions kept a manifest,
 * {@code cache.meta}, here; it is read once to build the catalog.)
 *
 * <p><b>Recovery.</b> The newest snapshot that passes its checks is loaded (a damaged one is
 * purged from the cache and the previous one tried); then every log record after the snapshot's
 * start LSN is replayed. The first damaged record ends the log: with {@code loadTruncated} the
 * segment is cut there, later segments are set aside as {@code .damaged}, and a warning says how
 * many bytes were dropped; otherwise recovery fails and the node does not start.
 *
 * <p><b>Retention.</b> Two snapshots are kept, and every segment holding records after the older
 * one's start, so a damaged newest snapshot can fall back to the previous one plus the log.
 */
final class CacheStore {
  private static final Logger LOG = LoggerFactory.getLogger(CacheStore.class);
  static final String MANIFEST = "cache.meta";
  /** A budget of whole tebibytes as earlier versions recorded it, e.g. {@code maxmemory=2tb}. */
  private static final Pattern TEBIBYTES = Pattern.compile("(^|,)maxmemory=(\\d{1,7})tb(?=,|$)");

  final String name;
  final Path dir;
  final LoggedCache cache;
  final CacheSettings settings;
  private volatile AppendLog log;
  private final Object snapshotLock = new Object();
  volatile long lastSaveMillis;
  volatile long lastSaveBytes;
  volatile long lastSaveEntries;
  volatile long lastSaveDurationMillis = -1;
  volatile boolean lastSaveOk = true;
  volatile long changesAtLastSave;
  volatile boolean saving;

  CacheStore(Path root, LoggedCache cache, CacheSettings settings) {
    this.name = cache.name();
    this.dir = root.resolve(name);
    this.cache = cache;
    this.settings = settings;
  }

  /** Creates the directory. */
  void createDirectory() throws IOException {
    Files.createDirectories(dir);
    DurableFiles.syncDirectory(dir.getParent());
  }

  /** Returns a config's spec string, as {@link CacheConfig#parse} reads it. */
  static String spec(CacheConfig config) {
    return config.toMap().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /**
   * Returns a recorded spec as {@link CacheConfig#parse} reads it today. Specs are recorded with
   * {@code ConfigValues.formatBytes}, whose {@code kb mb gb} read as they always did; earlier
   * versions also wrote whole tebibytes as {@code Ntb}, a unit sizes no longer accept (Redis has
   * none), so that one is rewritten as bytes.
   */
  static String upgradeSpec(String spec) {
    return TEBIBYTES.matcher(spec).replaceAll(m -> {
      long tebibytes = Long.parseLong(m.group(2));
      // A count no long holds is left as written, for the parser to refuse by name.
      return tebibytes > Long.MAX_VALUE >> 40 ? m.group()
          : m.group(1) + "maxmemory=" + (tebibytes << 40);
    });
  }

  /** Returns the spec in {@code dir}'s legacy manifest, or null if there is none. */
  static String readManifest(Path dir) throws IOException {
    Path m = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(m)) {
      return null;
    }
    return Files.readString(m, StandardCharsets.UTF_8).strip();
  }

  /** Returns the log, or null when the append-only log is off. */
  AppendLog log() {
    return log;
  }

  /* --------------- Recovery --------------- */

  /**
   * Loads the newest valid snapshot and, if {@code replayLog}, the log after it into the
   * undecorated cache; returns the LSN of the last record recovered.
   */
  long recover(boolean replayLog, boolean loadTruncated, Clock clock, LoadProgress progress)
      throws IOException {
    long startLsn = 0;
    boolean loaded = false;
    List<Path> snapshots = SnapshotFile.list(dir);
    for (Path snap : snapshots) {
      try {
        SnapshotFile.Header h = SnapshotFile.load(snap, cache.inner(), clock, progress);
        startLsn = h.startLsn();
        loaded = true;
        LOG.info("cache '{}': loaded snapshot {} ({} keys in the cache, log from LSN {})", name,
            snap.getFileName(), cache.inner().size(), startLsn + 1);
        break;
      } catch (CorruptFileException e) {
        LOG.warn("cache '{}': snapshot {} is damaged ({}); falling back to the previous one",
            name, snap.getFileName(), e.getMessage());
        cache.inner().purge();
      }
    }
    if (!loaded && !snapshots.isEmpty()) {
      LOG.warn("cache '{}': no snapshot passes its checks; recovering from the log alone", name);
    }
    if (!replayLog) {
      return startLsn;
    }
    return replay(startLsn, loadTruncated, clock, progress);
  }

  private long replay(long startLsn, boolean loadTruncated, Clock clock, LoadProgress progress)
      throws IOException {
    List<Path> segments = AppendLog.segments(dir);
    long lastLsn = startLsn;
    for (int i = 0; i < segments.size(); i++) {
      Path seg = segments.get(i);
      long first = AppendLog.firstLsnOf(seg);
      long next = i + 1 < segments.size() ? AppendLog.firstLsnOf(segments.get(i + 1))
          : Long.MAX_VALUE;
      if (next - 1 <= startLsn) {
        continue;
      }
      if (first > lastLsn + 1) {
        LOG.warn("cache '{}': log records {}..{} are missing; recovering what follows", name,
            lastLsn + 1, first - 1);
      }
      long before = Files.size(seg);
      LogReplayer.Result r = LogReplayer.replay(seg, cache.inner(), startLsn, clock, progress);
      lastLsn = Math.max(lastLsn, r.lastLsn());
      if (r.damage() != null) {
        CorruptFileException d = r.damage();
        if (!loadTruncated) {
          throw new IOException("cache '" + name + "': the append-only log is damaged: "
              + d.getMessage() + "; start with --aof-load-truncated yes to cut it there", d);
        }
        cut(seg, r.goodLength(), before, d);
        for (Path later : segments.subList(i + 1, segments.size())) {
          Path aside = later.resolveSibling(later.getFileName() + ".damaged");
          Files.move(later, aside);
          LOG.warn("cache '{}': set aside {} (after the damage) as {}", name,
              later.getFileName(), aside.getFileName());
        }
        DurableFiles.syncDirectory(dir);
        break;
      }
    }
    return lastLsn;
  }

  /** Cuts a damaged segment at its last good record, or removes it if its header is bad. */
  private void cut(Path seg, long goodLength, long size, CorruptFileException d)
      throws IOException {
    if (goodLength < AppendLog.HEADER) {
      Path aside = seg.resolveSibling(seg.getFileName() + ".damaged");
      Files.move(seg, aside);
      LOG.warn("cache '{}': {}; set the segment aside as {}", name, d.getMessage(),
          aside.getFileName());
      return;
    }
    LOG.warn("cache '{}': {}; cutting the log there ({} bytes dropped, {} kept)", name,
        d.getMessage(), size - goodLength, goodLength);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE)) {
      ch.truncate(goodLength);
      ch.force(true);
    }
  }

  /** Starts logging after {@code lastLsn} in a new segment, forced as the settings say. */
  void openLog(LogWriter writer, long lastLsn) throws IOException {
    AppendLog l = new AppendLog(dir, name, writer, settings.fsync(), lastLsn);
    writer.register(l);
    this.log = l;
    cache.attach(l);
  }

  /* --------------- Snapshots --------------- */

  /** Takes a snapshot now (one at a time per cache); returns what was written. */
  SnapshotFile.Written snapshot(Clock clock) throws IOException {
    synchronized (snapshotLock) {
      saving = true;
      try {
        long changes = cache.changes();
        AppendLog l = log;
        long startLsn = l != null ? l.rotate() : 0;
        List<Path> existing = SnapshotFile.list(dir);
        long seq = existing.isEmpty() ? 1 : SnapshotFile.seqOf(existing.getFirst()) + 1;
        SnapshotFile.Written w = SnapshotFile.write(cache.inner(), spec(cache.config()),
            startLsn, SnapshotFile.path(dir, seq), clock);
        retain(l);
        lastSaveMillis = clock.millis();
        lastSaveBytes = w.bytes();
        lastSaveEntries = w.entries();
        lastSaveDurationMillis = w.millis();
        lastSaveOk = true;
        changesAtLastSave = changes;
        return w;
      } catch (IOException | RuntimeException e) {
        lastSaveOk = false;
        throw e;
      } finally {
        saving = false;
      }
    }
  }

  /** Deletes snapshots older than the previous one and log segments neither of them needs. */
  private void retain(AppendLog l) throws IOException {
    List<Path> snapshots = SnapshotFile.list(dir);
    for (Path old : snapshots.subList(Math.min(2, snapshots.size()), snapshots.size())) {
      Files.deleteIfExists(old);
    }
    List<Path> segments = AppendLog.segments(dir);
    if (l == null) {
      // Without the log, a snapshot supersedes every segment: an old log must never be replayed
      // over a newer snapshot if the log is turned on again.
      delete(segments, segments.size(), null);
      DurableFiles.syncDirectory(dir);
      return;
    }
    if (snapshots.size() < 2) {
      return;
    }
    long keepAfter = SnapshotFile.readHeader(snapshots.get(1)).startLsn();
    int deletable = 0;
    for (int i = 0; i + 1 < segments.size(); i++) {
      if (AppendLog.firstLsnOf(segments.get(i + 1)) - 1 <= keepAfter) {
        deletable = i + 1;
      }
    }
    delete(segments, deletable, l);
    DurableFiles.syncDirectory(dir);
  }

  private void delete(List<Path> segments, int count, AppendLog l) throws IOException {
    for (Path seg : segments.subList(0, count)) {
      long size = Files.size(seg);
      Files.deleteIfExists(seg);
      if (l != null) {
        l.deleted(size);
      }
    }
  }

  /** Returns the writes not yet in a snapshot. */
  long changesSinceSave() {
    return Math.max(0, cache.changes() - changesAtLastSave);
  }

  /** Stops logging and closes the log, writing and forcing what is pending. */
  void closeLog(LogWriter writer) throws IOException {
    AppendLog l = log;
    if (l != null) {
      cache.attach(null);
      writer.unregister(l);
      l.close();
    }
  }

  /** Deletes the cache's files (after its DROP is in the catalog). */
  void deleteFiles() throws IOException {
    deleteTree(dir);
    DurableFiles.syncDirectory(dir.getParent());
  }

  /** Deletes {@code dir} and everything under it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Returns the INFO fields of this cache's files, for tests and the node's INFO. */
  Map<String, Long> sizes() {
    AppendLog l = log;
    return Map.of("snapshot", lastSaveBytes, "log", l == null ? 0 : l.totalSize());
  }
}
