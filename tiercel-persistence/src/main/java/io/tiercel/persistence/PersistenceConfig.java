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
 */
public record PersistenceConfig(
    Path dir,
    boolean appendOnly,
    FsyncPolicy fsync,
    Duration snapshotInterval,
    boolean loadTruncated,
    long rewriteMinSize) {
  /** The default {@link #rewriteMinSize}, as Redis's {@code auto-aof-rewrite-min-size}. */
  public static final long DEFAULT_REWRITE_MIN_SIZE = 64L << 20;

  /** Validates every field. */
  public PersistenceConfig {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(snapshotInterval, "snapshotInterval");
    if (snapshotInterval.isNegative()) {
      throw new IllegalArgumentException(
          "snapshot-interval: " + snapshotInterval + " (expected: >= 0)");
    }
    if (rewriteMinSize < 0) {
      throw new IllegalArgumentException(
          "auto-aof-rewrite-min-size: " + rewriteMinSize + " (expected: >= 0)");
    }
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
