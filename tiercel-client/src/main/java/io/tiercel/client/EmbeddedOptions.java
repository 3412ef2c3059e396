package io.tiercel.client;

import io.tiercel.core.Clock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The settings of an embedded cache: where it lives on disk, how often it is snapshotted, the
 * expiry of writes that name none, the log level, and how long a call waits for a new serving
 * process after the old one died. Immutable; build one with {@link #builder()}.
 *
 * <p>The settings that shape the server ({@link #snapshotInterval}, {@link #maxMemory},
 * {@link #appendFsync}) are those of the process that serves; the others apply to each handle.
 */
public final class EmbeddedOptions {
  /** The root used when none is given: {@code ~/.tiercel/embedded}. */
  public static final Path DEFAULT_ROOT =
      Path.of(System.getProperty("user.home"), ".tiercel", "embedded");
  static final Duration DEFAULT_SNAPSHOT_INTERVAL = Duration.ofSeconds(60);
  static final Duration DEFAULT_HANDOVER_TIMEOUT = Duration.ofSeconds(15);
  static final long DEFAULT_MAX_MEMORY = 256L << 20;
  static final int DEFAULT_MAX_CONNECTIONS = 16;
  private static final Set<String> LEVELS =
      Set.of("trace", "debug", "info", "warn", "error", "off");
  private static final Set<String> FSYNCS = Set.of("always", "everysec", "no");

  private final Path root;
  private final Duration snapshotInterval;
  private final Duration defaultExpiry;
  private final String logLevel;
  private final boolean logFile;
  private final long maxMemory;
  private final String appendFsync;
  private final Duration handoverTimeout;
  private final int maxConnections;
  private final Clock clock;

  private EmbeddedOptions(Builder b) {
    this.root = b.root;
    this.snapshotInterval = b.snapshotInterval;
    this.defaultExpiry = b.defaultExpiry;
    this.logLevel = b.logLevel;
    this.logFile = b.logFile;
    this.maxMemory = b.maxMemory;
    this.appendFsync = b.appendFsync;
    this.handoverTimeout = b.handoverTimeout;
    this.maxConnections = b.maxConnections;
    this.clock = b.clock;
  }

  /** Returns the defaults. */
  public static EmbeddedOptions defaults() {
    return builder().build();
  }

  /** Returns a builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns the directory under which each cache has its own {@code <root>/<name>/}. */
  public Path root() {
    return root;
  }

  /** Returns the time between snapshots of a changed cache; zero for none (the log remains). */
  public Duration snapshotInterval() {
    return snapshotInterval;
  }

  /** Returns the time to live of writes that name none; zero for none. */
  public Duration defaultExpiry() {
    return defaultExpiry;
  }

  /** Returns the level of Tiercel's loggers ({@code io.tiercel}). */
  public String logLevel() {
    return logLevel;
  }

  /** Returns whether Tiercel's log lines also go to {@code <root>/<name>/tiercel.log}. */
  public boolean logFile() {
    return logFile;
  }

  /** Returns the cache's memory budget in bytes, beyond which it evicts. */
  public long maxMemory() {
    return maxMemory;
  }

  /** Returns when the append-only log is forced to disk: always, everysec or no. */
  public String appendFsync() {
    return appendFsync;
  }

  /** Returns how long a call waits for a serving process before it fails. */
  public Duration handoverTimeout() {
    return handoverTimeout;
  }

  /** Returns the most connections a non-serving process opens to the serving one. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Returns the clock the serving process reads for expiry and snapshots. */
  Clock clock() {
    return clock;
  }

  /** Returns a builder holding these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.root = root;
    b.snapshotInterval = snapshotInterval;
    b.defaultExpiry = defaultExpiry;
    b.logLevel = logLevel;
    b.logFile = logFile;
    b.maxMemory = maxMemory;
    b.appendFsync = appendFsync;
    b.handoverTimeout = handoverTimeout;
    b.maxConnections = maxConnections;
    b.clock = clock;
    return b;
  }

  /** Builds {@link EmbeddedOptions}; every setter checks its argument and names what it expects. */
  public static final class Builder {
    private Path root = DEFAULT_ROOT;
    private Duration snapshotInterval = DEFAULT_SNAPSHOT_INTERVAL;
    private Duration defaultExpiry = Duration.ZERO;
    private String logLevel = "warn";
    private boolean logFile = true;
    private long maxMemory = DEFAULT_MAX_MEMORY;
    private String appendFsync = "always";
    private Duration handoverTimeout = DEFAULT_HANDOVER_TIMEOUT;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Clock clock = Clock.system();

    private Builder() {}

    /** Sets the root directory (created if missing). */
    public Builder root(Path root) {
      this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
      return this;
    }

    /** Sets the snapshot interval; zero turns scheduled snapshots off. */
    public Builder snapshotInterval(Duration interval) {
      this.snapshotInterval = nonNegative("snapshotInterval", interval);
      return this;
    }

    /** Sets the expiry of writes that name none; zero for none. */
    public Builder defaultExpiry(Duration expiry) {
      this.defaultExpiry = nonNegative("defaultExpiry", expiry);
      return this;
    }

    /** Sets the level of Tiercel's loggers: trace, debug, info, warn, error or off. */
    public Builder logLevel(String level) {
      String l = Objects.requireNonNull(level, "logLevel").trim().toLowerCase(Locale.ROOT);
      if (!LEVELS.contains(l)) {
        throw new IllegalArgumentException(
            "logLevel: '" + level + "' (expected: trace, debug, info, warn, error or off)");
      }
      this.logLevel = l;
      return this;
    }

    /** Sets whether Tiercel also logs to {@code <root>/<name>/tiercel.log}. */
    public Builder logFile(boolean on) {
      this.logFile = on;
      return this;
    }

    /** Sets the memory budget in bytes. */
    public Builder maxMemory(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxMemory: " + bytes + " (expected: > 0)");
      }
      this.maxMemory = bytes;
      return this;
    }

    /**
     * Sets when the log is forced to disk. {@code always} (the default) keeps every acknowledged
     * write through a process kill and a machine crash; {@code everysec} and {@code no} may lose
     * the last few milliseconds of writes when the serving process is killed.
     */
    public Builder appendFsync(String policy) {
      String p = Objects.requireNonNull(policy, "appendFsync").trim().toLowerCase(Locale.ROOT);
      if (!FSYNCS.contains(p)) {
        throw new IllegalArgumentException(
            "appendFsync: '" + policy + "' (expected: always, everysec or no)");
      }
      this.appendFsync = p;
      return this;
    }

    /** Sets how long a call waits for a serving process (after a crash) before it fails. */
    public Builder handoverTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "handoverTimeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("handoverTimeout: " + timeout + " (expected: > 0)");
      }
      this.handoverTimeout = timeout;
      return this;
    }

    /** Sets the most connections a non-serving process opens to the serving one. */
    public Builder maxConnections(int max) {
      if (max < 1 || max > 1024) {
        throw new IllegalArgumentException(
            "maxConnections: " + max + " (expected: 1 to 1024)");
      }
      this.maxConnections = max;
      return this;
    }

    /** Sets the clock the serving process reads (tests move a manual one). */
    Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Returns the options. */
    public EmbeddedOptions build() {
      return new EmbeddedOptions(this);
    }

    private static Duration nonNegative(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: >= 0)");
      }
      return d;
    }
  }
}
