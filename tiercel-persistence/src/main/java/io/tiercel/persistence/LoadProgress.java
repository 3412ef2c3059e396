package io.tiercel.persistence;

import io.tiercel.core.Clock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a recovery's progress in the log about once a second: keys loaded, megabytes read of
 * the total, the rate, and the time left at that rate.
 */
final class LoadProgress {
  private static final Logger LOG = LoggerFactory.getLogger(LoadProgress.class);
  private static final long REPORT_EVERY_MS = 1000;

  private final Clock clock;
  private final long totalBytes;
  private final long startMillis;
  private long lastReport;
  private long bytes;
  private long keys;
  private volatile boolean loading = true;

  LoadProgress(Clock clock, long totalBytes) {
    this.clock = clock;
    this.totalBytes = totalBytes;
    this.startMillis = clock.millis();
    this.lastReport = startMillis;
  }

  /** Counts {@code readBytes} more read and {@code loadedKeys} more keys, reporting if due. */
  void advance(String cache, long readBytes, long loadedKeys) {
    bytes += readBytes;
    keys += loadedKeys;
    long now = clock.millis();
    if (now - lastReport >= REPORT_EVERY_MS) {
      lastReport = now;
      double seconds = Math.max(1, now - startMillis) / 1000.0;
      double rate = bytes / seconds;
      double eta = rate > 0 ? (totalBytes - bytes) / rate : 0;
      LOG.info(String.format(Locale.ROOT,
          "loading: cache '%s': %d keys, %.1f of %.1f MB, %.1f MB/s, ETA %.1f s", cache, keys,
          bytes / 1e6, totalBytes / 1e6, rate / 1e6, eta));
    }
  }

  /** Returns the keys loaded so far. */
  long keys() {
    return keys;
  }

  /** Returns the bytes read so far. */
  long bytes() {
    return bytes;
  }

  /** Returns the milliseconds since the load began. */
  long elapsedMillis() {
    return clock.millis() - startMillis;
  }

  /** Marks the load finished. */
  void finish() {
    loading = false;
  }

  /** Returns whether the load is still running. */
  boolean loading() {
    return loading;
  }
}
