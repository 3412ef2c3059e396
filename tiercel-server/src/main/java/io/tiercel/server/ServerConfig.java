package io.tiercel.server;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.ConfigValues;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.protocol.resp.RespLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The settings of a node, from {@code --flags} and an optional config file with the same keys
 * ({@code key value} or {@code key=value} per line, {@code #} comments); flags win.
 *
 * <p>Mutable only while it is being built; {@link TiercelServer} copies what it may change at run
 * time ({@code CONFIG SET}).
 */
public final class ServerConfig {
  /** The usage text printed for a bad flag. */
  public static final String USAGE =
      """
      usage: tiercel server [--config FILE] [--bind 127.0.0.1] [--port 7379] [--unixsocket PATH]
                            [--unixsocketperm 700] [--http-port 7380] [--dir DIR]
                            [--maxmemory 512mb] [--policy lru|arc|tinylfu]
                            [--appendonly yes|no] [--appendfsync always|everysec|no]
                            [--snapshot-interval 120s] [--requirepass SECRET]
                            [--coordinator HOST:PORT] [--loglevel debug|info|warn|error]
                            [--maxclients 10000] [--timeout 0] [--io-threads N]
                            [--proto-max-bulk-len 512mb] [--max-multibulk-len 1048576]
                            [--max-inline-len 64kb] [--client-query-buffer-limit 1gb]
                            [--cache 'NAME store=jdbc:... mode=write-behind ...']...
        --port 0 picks a free port; --http-port 0 disables HTTP; --unixsocket '' disables it.
      """;

  /** Every key a flag or the config file may set. */
  public static final List<String> KEYS = List.of(
      "config", "bind", "port", "unixsocket", "unixsocketperm", "http-port", "dir", "maxmemory",
      "policy", "maxmemory-policy", "appendonly", "appendfsync", "snapshot-interval",
      "requirepass", "coordinator", "loglevel", "maxclients", "timeout", "io-threads",
      "proto-max-bulk-len", "max-multibulk-len", "max-inline-len", "client-query-buffer-limit",
      "cache");

  private Path configFile;
  private String bind = "127.0.0.1";
  private int port = 7379;
  private Path unixSocket;
  private int unixSocketPerm = 0700;
  private int httpPort = 7380;
  private Path dir = Path.of(".");
  private long maxMemory = CacheConfig.DEFAULT_MAX_MEMORY;
  private EvictionPolicyKind policy = EvictionPolicyKind.TINYLFU;
  private boolean appendOnly;
  private String appendFsync = "everysec";
  private Duration snapshotInterval = Duration.ofSeconds(120);
  private String requirePass;
  private String coordinator;
  private String logLevel = "info";
  private int maxClients = 10_000;
  private Duration timeout = Duration.ZERO;
  private int ioThreads = Runtime.getRuntime().availableProcessors();
  private long protoMaxBulkLen = RespLimits.DEFAULT_MAX_BULK_LENGTH;
  private int maxMultibulkLen = RespLimits.DEFAULT_MAX_MULTIBULK_LENGTH;
  private int maxInlineLen = RespLimits.DEFAULT_MAX_INLINE_LENGTH;
  private long clientQueryBufferLimit = RespLimits.DEFAULT_MAX_QUERY_BUFFER;
  /** Named caches to create at start: {@code NAME key=value ...} (e.g. with store= and mode=). */
  private final List<String> caches = new java.util.ArrayList<>();

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
    String[][] pairs = new String[args.length][];
    int n = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String key;
      String value;
      int eq = arg.indexOf('=');
      if (eq > 0) {
        key = arg.substring(2, eq);
        value = arg.substring(eq + 1);
      } else {
        key = arg.substring(2);
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("flag --" + key + " needs a value");
        }
        value = args[++i];
      }
      pairs[n++] = new String[] {key, value};
    }
    for (int i = 0; i < n; i++) {
      if (pairs[i][0].equals("config")) {
        config.loadFile(Path.of(pairs[i][1]));
      }
    }
    for (int i = 0; i < n; i++) {
      config.set(pairs[i][0], pairs[i][1]);
    }
    return config;
  }

  /** Reads a config file of {@code key value} lines. */
  public ServerConfig loadFile(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("config: cannot read '" + file + "': " + e.getMessage());
    }
    this.configFile = file.toAbsolutePath();
    int number = 0;
    for (String raw : lines) {
      number++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int split = 0;
      while (split < line.length() && line.charAt(split) != '='
          && !Character.isWhitespace(line.charAt(split))) {
        split++;
      }
      String key = line.substring(0, split);
      String value = split < line.length() ? line.substring(split + 1).strip() : "";
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (key.equals("config")) {
        throw new IllegalArgumentException(file + ":" + number + ": config files do not nest");
      }
      try {
        set(key, value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ":" + number + ": " + e.getMessage());
      }
    }
    return this;
  }

  /** Sets one setting by its flag name, validating the value. */
  public ServerConfig set(String rawKey, String value) {
    String key = rawKey.toLowerCase(Locale.ROOT).replace('_', '-');
    switch (key) {
      case "config" -> this.configFile = Path.of(value).toAbsolutePath();
      case "bind" -> this.bind = requireNonEmpty(key, value);
      case "port" -> this.port = parseInt(key, value, 0, 65535);
      case "unixsocket" -> this.unixSocket = value.isEmpty() ? null : Path.of(value);
      case "unixsocketperm" -> this.unixSocketPerm = parsePerm(key, value);
      case "http-port" -> this.httpPort = parseInt(key, value, 0, 65535);
      case "dir" -> this.dir = Path.of(requireNonEmpty(key, value));
      case "maxmemory" -> this.maxMemory = positive(key, ConfigValues.parseBytes(key, value));
      case "policy", "maxmemory-policy" -> this.policy = EvictionPolicyKind.parse(value);
      case "appendonly" -> this.appendOnly = parseYesNo(key, value);
      case "appendfsync" -> this.appendFsync = oneOf(key, value, "always", "everysec", "no");
      case "snapshot-interval" -> this.snapshotInterval = ConfigValues.parseDuration(key, value);
      case "requirepass" -> this.requirePass = value.isEmpty() ? null : value;
      case "coordinator" -> this.coordinator = parseHostPort(key, value);
      case "loglevel" -> this.logLevel =
          oneOf(key, value, "trace", "debug", "verbose", "info", "notice", "warn", "warning",
              "error");
      case "maxclients" -> this.maxClients = parseInt(key, value, 1, 1_000_000);
      case "timeout" -> this.timeout = ConfigValues.parseDuration(key, value);
      case "io-threads" -> this.ioThreads = parseInt(key, value, 1, 1024);
      case "proto-max-bulk-len" -> this.protoMaxBulkLen =
          range(key, ConfigValues.parseBytes(key, value), 1, Integer.MAX_VALUE - 2);
      case "max-multibulk-len" -> this.maxMultibulkLen = parseInt(key, value, 1, Integer.MAX_VALUE);
      case "max-inline-len" -> this.maxInlineLen =
          (int) range(key, ConfigValues.parseBytes(key, value), 16, Integer.MAX_VALUE);
      case "client-query-buffer-limit" -> this.clientQueryBufferLimit =
          range(key, ConfigValues.parseBytes(key, value), 1024, Long.MAX_VALUE);
      case "cache" -> this.caches.add(requireNonEmpty(key, value).strip());
      default -> throw new IllegalArgumentException("unknown flag --" + rawKey);
    }
    return this;
  }

  private static String requireNonEmpty(String key, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(key + ": '' (expected: a value)");
    }
    return value;
  }

  private static int parseInt(String key, String value, int min, int max) {
    try {
      int v = Integer.parseInt(value.trim());
      if (v < min || v > max) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + ": '" + value + "' (expected: an integer in " + min + ".." + max + ")");
    }
  }

  private static long positive(String key, long v) {
    return range(key, v, 1, Long.MAX_VALUE);
  }

  private static long range(String key, long v, long min, long max) {
    if (v < min || v > max) {
      throw new IllegalArgumentException(key + ": " + v + " (expected: " + min + ".." + max + ")");
    }
    return v;
  }

  private static int parsePerm(String key, String value) {
    try {
      int v = Integer.parseInt(value.trim(), 8);
      if (v < 0 || v > 0777) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + value + "' (expected: octal such as 700)");
    }
  }

  private static boolean parseYesNo(String key, String value) {
    return oneOf(key, value, "yes", "no").equals("yes");
  }

  private static String oneOf(String key, String value, String... allowed) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        key + ": '" + value + "' (expected: " + String.join(", ", allowed) + ")");
  }

  private static String parseHostPort(String key, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(key + ": '" + value + "' (expected: HOST:PORT)");
    }
    parseInt(key, value.substring(colon + 1), 1, 65535);
    return value;
  }

  /** Returns the config file read, or null. */
  public Path configFile() {
    return configFile;
  }

  /** Returns the address TCP listens on. */
  public String bind() {
    return bind;
  }

  /** Returns the TCP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Returns the UNIX socket path, or null for none. */
  public Path unixSocket() {
    return unixSocket;
  }

  /** Returns the UNIX socket file's permission bits (default 0700). */
  public int unixSocketPerm() {
    return unixSocketPerm;
  }

  /** Returns the HTTP port; 0 when disabled. */
  public int httpPort() {
    return httpPort;
  }

  /** Returns the data directory. */
  public Path dir() {
    return dir;
  }

  /** Returns the default cache's memory budget. */
  public long maxMemory() {
    return maxMemory;
  }

  /** Returns the default cache's eviction policy. */
  public EvictionPolicyKind policy() {
    return policy;
  }

  /** Returns whether the append-only log is on. */
  public boolean appendOnly() {
    return appendOnly;
  }

  /** Returns the append-only log's fsync mode. */
  public String appendFsync() {
    return appendFsync;
  }

  /** Returns the snapshot interval; zero for none. */
  public Duration snapshotInterval() {
    return snapshotInterval;
  }

  /** Returns the password clients must AUTH with, or null. */
  public String requirePass() {
    return requirePass;
  }

  /** Returns the coordinator's HOST:PORT, or null for the embedded one. */
  public String coordinator() {
    return coordinator;
  }

  /** Returns the log level. */
  public String logLevel() {
    return logLevel;
  }

  /** Returns the most clients connected at once. */
  public int maxClients() {
    return maxClients;
  }

  /** Returns the idle time after which a client is closed; zero for never. */
  public Duration timeout() {
    return timeout;
  }

  /** Returns the number of worker event loops. */
  public int ioThreads() {
    return ioThreads;
  }

  /** Returns the decoder limits of each connection. */
  public RespLimits respLimits() {
    return new RespLimits(protoMaxBulkLen, maxMultibulkLen, maxInlineLen, clientQueryBufferLimit);
  }

  /** Returns the named caches to create at start, each {@code NAME key=value ...}. */
  public List<String> caches() {
    return List.copyOf(caches);
  }

  /** Returns the settings of the default cache. */
  public CacheConfig defaultCacheConfig() {
    return CacheConfig.builder().policy(policy).maxMemory(maxMemory).build();
  }
}
