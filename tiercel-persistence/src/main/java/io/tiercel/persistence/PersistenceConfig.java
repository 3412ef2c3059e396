package io.tiercel.persistence;

import io.tiercel.core.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a node keeps its caches on disk: where, whether it logs every write, how often it forces
 * the log, how often it snapshots, and what it does with a damaged log.
 *
 * @param dir the data directory; each named cache gets a subdirectory
 * @param appendOnly whether every write is logged
 * @param fsync when the log is forced to disk
 * @param snapshotInterval time between snapshots of a changed cache; zero for none
 * @param loadTruncated whether a damaged log tail is cut off with a warning (else the node refuses
 *     to start)
 * @param rewriteMinSize the log size below which growth never triggers a rewrite
 * @param bufferLimit the most bytes of log records held in memory before writers wait for the disk
 * @param bufferWait the longest a writer waits for room before its write is refused
 */
public record PersistenceConfig(
    Path dir,
    boolean appendOnly,
    FsyncPolicy fsync,
    Duration snapshotInterval,
    boolean loadTruncated,
    long rewriteMinSize,
    long bufferLimit,
    Duration bufferWait) {
  /** The default {@link #rewriteMinSize}, as Redis's {@code auto-aof-rewrite-min-size}. */
  public static final long DEFAULT_REWRITE_MIN_SIZE = 64L << 20;
  /** The default {@link #bufferLimit}. */
  public static final long DEFAULT_BUFFER_LIMIT = 64L << 20;
  /** The default {@link #bufferWait}. */
  public static final Duration DEFAULT_BUFFER_WAIT = Duration.ofSeconds(5);

  /** Creates settings with the default buffer limit and wait. */
  public PersistenceConfig(Path dir, boolean appendOnly, FsyncPolicy fsync,
      Duration snapshotInterval, boolean loadTruncated, long rewriteMinSize) {
    this(dir, appendOnly, fsync, snapshotInterval, loadTruncated, rewriteMinSize,
        DEFAULT_BUFFER_LIMIT, DEFAULT_BUFFER_WAIT);
  }

  /** Validates every field. */
  public PersistenceConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(snapshotInterval, "snapshotInterval");
    if (snapshotInterval.isNegative()) {
      throw new IllegalArgumentException(
          "snapshot-interval: " + snapshotInterval + " (expected: >= 0)");
    }
    Objects.requireNonNull(bufferWait, "bufferWait");
    if (bufferLimit < 1) {
      throw new IllegalArgumentException("aof-buffer-limit: " + bufferLimit + " (expected: >= 1)");
    }
    if (rewriteMinSize < 0) {
      throw new IllegalArgumentException(
          "auto-aof-rewrite-min-size: " + rewriteMinSize + " (expected: >= 0)");
    }
  }

  /** Returns the per-cache settings every cache starts from: the node's. */
  public CacheSettings cacheDefaults() {
    return new CacheSettings(appendOnly, fsync, snapshotInterval);
  }

  /** Returns these settings with another buffer limit and wait. */
  public PersistenceConfig withBuffer(long limit, Duration wait) {
    return new PersistenceConfig(dir, appendOnly, fsync, snapshotInterval, loadTruncated,
        rewriteMinSize, limit, wait);
  }

  /** Returns settings with the log off, snapshots every {@code interval}, under {@code dir}. */
  public static PersistenceConfig snapshotsOnly(Path dir, Duration interval) {
    return new PersistenceConfig(dir, false, FsyncPolicy.EVERYSEC, interval, true,
        DEFAULT_REWRITE_MIN_SIZE);
  }

  /** Returns settings with the log on under {@code fsync} and no scheduled snapshots. */
  public static PersistenceConfig appendOnly(Path dir, FsyncPolicy fsync) {
    return new PersistenceConfig(dir, true, fsync, Duration.ZERO, true, DEFAULT_REWRITE_MIN_SIZE);
  }
}
