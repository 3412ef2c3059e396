package io.tiercel.server;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.FsyncPolicy;
import io.tiercel.persistence.CacheSettings;
import io.tiercel.protocol.resp.RespLimits;
import io.tiercel.server.command.CacheDefinition;
import io.tiercel.server.config.ConfigException;
import io.tiercel.server.config.CommandLineFlags;
import io.tiercel.server.config.ConfigFileLines;
import io.tiercel.server.config.ConfigKey;
import io.tiercel.server.config.ConfigKeys;
import io.tiercel.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The settings of a node, from {@code --flags} and an optional config file with the same keys
 * ({@code key value} or {@code key=value} per line, {@code #} comments); flags win. Every key is
 * declared once in {@link ConfigKeys}; this class parses flags and files into {@link Settings}
 * and offers typed getters.
 */
public final class ServerConfig {
  /** The usage text printed for a bad flag, generated from {@link ConfigKeys}. */
  public static final String USAGE = usage();

  /** Every key a flag or the config file may set (aliases included), and {@code config}. */
  public static final List<String> KEYS = keys();

  private final Settings settings = new Settings();
  private Path configFile;
  /** Named caches to create at start, each {@code NAME key=value ...} (store=, mode=, policy=). */
  private final List<String> caches = new ArrayList<>();

  /** Creates the defaults. */
  public ServerConfig() {}

  /**
   * Parses command-line flags ({@code --key value} or {@code --key=value}), reading
   * {@code --config FILE} first.
   *
   * @throws IllegalArgumentException naming the flag and what was expected
   */
  public static ServerConfig parse(String... args) {
    ServerConfig config = new ServerConfig();
    List<String[]> pairs = CommandLineFlags.pairs(args);
    for (String[] p : pairs) {
      if (ConfigKeys.normalize(p[0]).equals("config")) {
        config.loadFile(Path.of(p[1]));
      }
    }
    for (String[] p : pairs) {
      try {
        config.set(p[0], p[1]);
      } catch (ConfigException e) {
        if (e.reason() == ConfigException.Reason.UNKNOWN) {
          throw new ConfigException(p[0], e.reason(), "unknown flag --" + p[0]);
        }
        throw e;
      }
    }
    return config;
  }

  /** Reads a config file of {@code key value} lines. */
  public ServerConfig loadFile(Path file) {
    List<ConfigFileLines.Line> lines = ConfigFileLines.read(file);
    this.configFile = file.toAbsolutePath();
    for (ConfigFileLines.Line line : lines) {
      try {
        set(line.key(), line.value());
      } catch (ConfigException e) {
        throw new ConfigException(line.key(), e.reason(),
            file + ":" + line.number() + ": " + e.getMessage());
      }
    }
    return this;
  }

  /**
   * Sets one setting by its name, validating the value.
   *
   * @throws ConfigException naming the key and what was expected
   */
  public ServerConfig set(String key, String value) {
    if (ConfigKeys.normalize(key).equals("config")) {
      this.configFile = Path.of(value).toAbsolutePath();
      return this;
    }
    if (ConfigKeys.normalize(key).equals("cache")) {
      if (value.isBlank()) {
        throw new IllegalArgumentException("cache: '' (expected: NAME key=value ...)");
      }
      caches.add(value.strip());
      return this;
    }
    settings.set(key, value);
    return this;
  }

  /** Returns the named caches to create at start, each {@code NAME key=value ...}. */
  public List<String> caches() {
    return List.copyOf(caches);
  }

  /** Returns the values behind this config, which {@code CONFIG SET} changes at run time. */
  public Settings settings() {
    return settings;
  }

  /** Returns the value of {@code key}. */
  public <T> T get(ConfigKey<T> key) {
    return settings.get(key);
  }

  /**
   * Returns whether the node keeps its caches on disk: with {@code appendonly yes}, or with
   * {@code dir} given and a non-zero {@code snapshot-interval}. Without {@code dir} a node writes
   * nothing to its working directory unless the log is asked for.
   */
  public boolean persistenceEnabled() {
    if (appendOnly() || (settings.isSet(ConfigKeys.DIR) && !snapshotInterval().isZero())) {
      return true;
    }
    // A cache line may ask for the log, or (with dir given) for snapshots, on its own.
    CacheSettings defaults = new CacheSettings(false, FsyncPolicy.parse(appendFsync()),
        snapshotInterval());
    for (String line : caches) {
      CacheDefinition d = CacheDefinition.parse(line);
      if (d.persistenceOptions().isEmpty() || d.backed()) {
        continue;
      }
      CacheSettings s = defaults.with(d.persistenceOptions());
      if (s.appendOnly() || (settings.isSet(ConfigKeys.DIR) && !s.snapshotInterval().isZero())) {
        return true;
      }
    }
    return false;
  }

  /** Returns the most bytes of log records held in memory before writers wait. */
  public long aofBufferLimit() {
    return get(ConfigKeys.AOF_BUFFER_LIMIT);
  }

  /** Returns how long a write waits for room in a full log buffer. */
  public java.time.Duration aofBufferWait() {
    return get(ConfigKeys.AOF_BUFFER_WAIT);
  }

  /** Returns whether a damaged log tail is cut off at start (else the node refuses to start). */
  public boolean aofLoadTruncated() {
    return get(ConfigKeys.AOF_LOAD_TRUNCATED);
  }

  /** Returns the log size below which growth never triggers a rewrite. */
  public long autoAofRewriteMinSize() {
    return get(ConfigKeys.AUTO_AOF_REWRITE_MIN_SIZE);
  }

  /** Returns the config file read, or null. */
  public Path configFile() {
    return configFile;
  }

  /** Returns the address TCP listens on. */
  public String bind() {
    return get(ConfigKeys.BIND);
  }

  /** Returns the TCP port; 0 picks a free one. */
  public int port() {
    return get(ConfigKeys.PORT);
  }

  /** Returns the UNIX socket path, or null for none. */
  public Path unixSocket() {
    return orNull(get(ConfigKeys.UNIXSOCKET));
  }

  /** Returns the UNIX socket file's permission bits (default 0700). */
  public int unixSocketPerm() {
    return get(ConfigKeys.UNIXSOCKETPERM);
  }

  /**
   * Returns the HTTP port to bind: -1 when HTTP is off, 0 for a free port (also when it is unset
   * and {@code port} is 0, so nodes started on free ports never collide on 7380).
   */
  public int httpPort() {
    if (!settings.isSet(ConfigKeys.HTTP_PORT) && port() == 0) {
      return 0;
    }
    return get(ConfigKeys.HTTP_PORT);
  }

  /** Returns the data directory. */
  public Path dir() {
    return get(ConfigKeys.DIR);
  }

  /** Returns the default cache's memory budget. */
  public long maxMemory() {
    return get(ConfigKeys.MAXMEMORY);
  }

  /** Returns the default cache's eviction policy. */
  public EvictionPolicyKind policy() {
    return get(ConfigKeys.POLICY);
  }

  /** Returns whether the append-only log is on. */
  public boolean appendOnly() {
    return get(ConfigKeys.APPENDONLY);
  }

  /** Returns the append-only log's fsync mode. */
  public String appendFsync() {
    return get(ConfigKeys.APPENDFSYNC);
  }

  /** Returns the snapshot interval; zero for none. */
  public Duration snapshotInterval() {
    return get(ConfigKeys.SNAPSHOT_INTERVAL);
  }

  /** Returns the password clients must AUTH with, or null. */
  public String requirePass() {
    String p = get(ConfigKeys.REQUIREPASS);
    return p.isEmpty() ? null : p;
  }

  /** Returns the coordinator's HOST:PORT, or null for the embedded one. */
  public String coordinator() {
    String c = get(ConfigKeys.COORDINATOR);
    return c.isEmpty() ? null : c;
  }

  /** Returns the log level. */
  public String logLevel() {
    return get(ConfigKeys.LOGLEVEL);
  }

  /** Returns the log file, resolved against {@link #dir()}, or null for none. */
  public Path logFile() {
    Path f = orNull(get(ConfigKeys.LOGFILE));
    return f == null ? null : dir().resolve(f);
  }

  /** Returns the most clients connected at once. */
  public int maxClients() {
    return get(ConfigKeys.MAXCLIENTS);
  }

  /** Returns the idle time after which a client is closed; zero for never. */
  public Duration timeout() {
    return get(ConfigKeys.TIMEOUT);
  }

  /** Returns the number of worker event loops. */
  public int ioThreads() {
    return get(ConfigKeys.IO_THREADS);
  }

  /** Returns the longest spin of a worker loop before it blocks, in microseconds; 0 is off. */
  public int ioSpinMicros() {
    return get(ConfigKeys.IO_SPIN_MICROS);
  }

  /** Returns the scheduler slice the worker loops ask for, in microseconds; 0 asks for none. */
  public int ioThreadSliceMicros() {
    return get(ConfigKeys.IO_THREAD_SLICE_MICROS);
  }

  /** Returns the decoder limits of each connection. */
  public RespLimits respLimits() {
    return new RespLimits(get(ConfigKeys.PROTO_MAX_BULK_LEN), get(ConfigKeys.MAX_MULTIBULK_LEN),
        (int) (long) get(ConfigKeys.MAX_INLINE_LEN), get(ConfigKeys.CLIENT_QUERY_BUFFER_LIMIT));
  }

  /** Returns the settings of the default cache. */
  public CacheConfig defaultCacheConfig() {
    return CacheConfig.builder().policy(policy()).maxMemory(maxMemory()).build();
  }

  private static Path orNull(Path p) {
    return p.toString().isEmpty() ? null : p;
  }

  private static List<String> keys() {
    List<String> k = new ArrayList<>();
    k.add("config");
    k.add("cache");
    k.addAll(ConfigKeys.allNames());
    return List.copyOf(k);
  }

  private static String usage() {
    StringBuilder sb = new StringBuilder();
    sb.append("usage: tiercel server [--config FILE] [--KEY VALUE | --KEY=VALUE ...]\n");
    sb.append(String.format(Locale.ROOT, "  %-36s %s%n", "--config FILE",
        "read settings from FILE ('key value' lines, # comments); flags override it"));
    sb.append(String.format(Locale.ROOT, "  %-36s %s%n", "--cache 'NAME key=value ...'",
        "create a named cache at start, e.g. with store=jdbc:... mode=write-behind, or "
            + "appendonly=yes appendfsync=always snapshot-interval=30s (repeatable)"));
    for (ConfigKey<?> k : ConfigKeys.ALL) {
      String flag = "--" + k.name() + " " + k.type().syntax();
      String def = k.defaultText().isEmpty() ? "none" : k.defaultText();
      sb.append(String.format(Locale.ROOT, "  %-36s %s (default: %s%s)%n", flag, k.doc(), def,
          k.runtime() ? "; CONFIG SET may change it" : ""));
    }
    return sb.toString();
  }
}
