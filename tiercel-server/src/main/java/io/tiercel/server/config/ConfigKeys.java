package io.tiercel.server.config;

import static io.tiercel.server.config.ConfigKey.Mode.RUNTIME;
import static io.tiercel.server.config.ConfigKey.Mode.STARTUP;
import static io.tiercel.server.config.ConfigType.bytes;
import static io.tiercel.server.config.ConfigType.duration;
import static io.tiercel.server.config.ConfigType.hostPort;
import static io.tiercel.server.config.ConfigType.integer;
import static io.tiercel.server.config.ConfigType.octal;
import static io.tiercel.server.config.ConfigType.oneOf;
import static io.tiercel.server.config.ConfigType.outputBufferLimits;
import static io.tiercel.server.config.ConfigType.path;
import static io.tiercel.server.config.ConfigType.policy;
import static io.tiercel.server.config.ConfigType.seconds;
import static io.tiercel.server.config.ConfigType.text;
import static io.tiercel.server.config.ConfigType.yesNo;
import static io.tiercel.server.config.ConfigType.zeroOr;

import io.tiercel.core.CacheConfig;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.protocol.resp.RespLimits;
import io.tiercel.server.transport.EventLoopSlice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every setting of a node, in one table: flags ({@code --name}), the config file ({@code name
 * value}) and {@code CONFIG GET/SET} all read it, and the usage text and the shipped example file
 * are checked against it.
 *
 * <p>To add a setting: declare a {@code ConfigKey} here (name, type, default, {@code STARTUP} or
 * {@code RUNTIME}, one line of doc), add it to {@link #ALL}, document it in
 * {@code conf/tiercel.conf}, read it with {@code ServerConfig.get(key)}, and, if it is
 * {@code RUNTIME}, apply changes with {@code Settings.onChange(key, ...)}.
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  // ------------------------------------------------------------------------------- network
  /** Address every listener binds. */
  public static final ConfigKey<String> BIND = ConfigKey.of("bind", text(false), "127.0.0.1",
      STARTUP, "address RESP and HTTP listen on");
  /** RESP over TCP. */
  public static final ConfigKey<Integer> PORT = ConfigKey.of("port", integer(0, 65535), 7379,
      STARTUP, "RESP over TCP; 0 picks a free port");
  /** RESP over a UNIX socket. */
  public static final ConfigKey<Path> UNIXSOCKET = ConfigKey.of("unixsocket", path(true),
      Path.of(""), STARTUP, "also serve RESP on this UNIX socket; empty for none");
  /** The UNIX socket file's permissions. */
  public static final ConfigKey<Integer> UNIXSOCKETPERM = ConfigKey.of("unixsocketperm", octal(),
      0700, STARTUP, "permission bits of the UNIX socket file, in octal");
  /** HTTP (REST, health, metrics). */
  public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.of("http-port", integer(-1, 65535),
      7380, STARTUP, "HTTP port (REST, /health, /metrics); 0 picks a free port (so does an "
          + "unset http-port when port is 0); -1 turns HTTP off");
  /** Most clients at once. */
  public static final ConfigKey<Integer> MAXCLIENTS = ConfigKey.of("maxclients",
      integer(1, 1_000_000), 10_000, RUNTIME, "most RESP clients connected at once");
  /** Idle client timeout. */
  public static final ConfigKey<Duration> TIMEOUT = ConfigKey.of("timeout", seconds(),
      Duration.ZERO, RUNTIME, "close RESP clients idle this long; 0 never");
  /** Worker event loops. */
  public static final ConfigKey<Integer> IO_THREADS = ConfigKey.of("io-threads",
      integer(1, 1024), defaultIoThreads(Runtime.getRuntime().availableProcessors()), STARTUP,
      "worker event loops shared by RESP and HTTP (default: 1 on up to 2 cores, else one a core)");
  /** Longest spin of an event loop before it blocks. */
  public static final ConfigKey<Integer> IO_SPIN_MICROS = ConfigKey.of("io-spin-micros",
      integer(0, 1000), 0, STARTUP,
      "longest an idle worker loop polls before blocking, earned by its own work (epoll); 0 off");

  /** Scheduler time slice of the worker loops. */
  public static final ConfigKey<Integer> IO_THREAD_SLICE_MICROS = ConfigKey.of(
      "io-thread-slice-micros", zeroOr(EventLoopSlice.MIN_MICROS, EventLoopSlice.MAX_MICROS),
      100, STARTUP, "scheduler time slice each worker loop asks Linux 6.12+ for, so that a woken "
          + "loop runs ahead of threads that are using up longer slices; 0 keeps the kernel's");

  // -------------------------------------------------------------------------------- limits
  /** Largest RESP bulk string. */
  public static final ConfigKey<Long> PROTO_MAX_BULK_LEN = ConfigKey.of("proto-max-bulk-len",
      bytes(1, Integer.MAX_VALUE - 2), RespLimits.DEFAULT_MAX_BULK_LENGTH, RUNTIME,
      "largest RESP bulk string (a key or a value)");
  /** Most RESP arguments. */
  public static final ConfigKey<Integer> MAX_MULTIBULK_LEN = ConfigKey.of("max-multibulk-len",
      integer(1, Integer.MAX_VALUE), RespLimits.DEFAULT_MAX_MULTIBULK_LENGTH, RUNTIME,
      "most arguments of one RESP command");
  /** Longest inline command. */
  public static final ConfigKey<Long> MAX_INLINE_LEN = ConfigKey.of("max-inline-len",
      bytes(16, Integer.MAX_VALUE), (long) RespLimits.DEFAULT_MAX_INLINE_LENGTH, RUNTIME,
      "longest inline (telnet-style) RESP command");
  /** Unparsed bytes buffered per client. */
  public static final ConfigKey<Long> CLIENT_QUERY_BUFFER_LIMIT = ConfigKey.of(
      "client-query-buffer-limit", bytes(1024, Long.MAX_VALUE), RespLimits.DEFAULT_MAX_QUERY_BUFFER,
      RUNTIME, "most unparsed bytes buffered for one RESP client");
  /** Bytes waiting to be sent to one client before it is closed, per class of client. */
  public static final ConfigKey<OutputBufferLimits> CLIENT_OUTPUT_BUFFER_LIMIT = ConfigKey.of(
      "client-output-buffer-limit", outputBufferLimits(), OutputBufferLimits.DEFAULT, RUNTIME,
      "CLASS HARD SOFT SECONDS per class (normal, replica, pubsub): a client with more than HARD "
          + "bytes waiting to be sent, or more than SOFT for SECONDS, is closed; 0 no limit; "
          + "classes not named keep their limits; pubsub bounds every client that gets pushes");
  /** Largest HTTP request body. */
  public static final ConfigKey<Long> HTTP_MAX_CONTENT_LENGTH = ConfigKey.of(
      "http-max-content-length", bytes(1, Integer.MAX_VALUE), 64L << 20, STARTUP,
      "largest HTTP request body (a PUT value); larger ones get 413");
  /** Largest HTTP header block. */
  public static final ConfigKey<Long> HTTP_MAX_HEADER_SIZE = ConfigKey.of("http-max-header-size",
      bytes(256, 1L << 20), 8L << 10, STARTUP,
      "largest HTTP header block; larger ones get 431 and the connection closes");
  /** Longest HTTP request line. */
  public static final ConfigKey<Long> HTTP_MAX_INITIAL_LINE_LENGTH = ConfigKey.of(
      "http-max-initial-line-length", bytes(64, 1L << 20), 8L << 10, STARTUP,
      "longest HTTP request line (method, URL, version); longer ones get 414");

  // -------------------------------------------------------------------------------- memory
  /** The default cache's budget. */
  public static final ConfigKey<Long> MAXMEMORY = ConfigKey.of("maxmemory",
      bytes(1, Long.MAX_VALUE), CacheConfig.DEFAULT_MAX_MEMORY, RUNTIME,
      "byte budget of the default cache (keys, values and per-entry overhead); new caches "
          + "start from it");
  /** The default cache's eviction policy. */
  public static final ConfigKey<EvictionPolicyKind> POLICY = ConfigKey.of("policy", policy(),
      EvictionPolicyKind.TINYLFU, RUNTIME, "eviction policy of the default cache")
      .alias("maxmemory-policy");

  // ----------------------------------------------------------------------------- persistence
  /** The data directory. */
  public static final ConfigKey<Path> DIR = ConfigKey.of("dir", path(false), Path.of("."),
      STARTUP, "data directory: snapshots, the append-only log, and the log file");
  /** The append-only log. */
  public static final ConfigKey<Boolean> APPENDONLY = ConfigKey.of("appendonly", yesNo(), false,
      STARTUP, "log every write to an append-only file under dir");
  /** When the append-only log is synced. */
  public static final ConfigKey<String> APPENDFSYNC = ConfigKey.of("appendfsync",
      oneOf("always", "everysec", "no"), "everysec", STARTUP,
      "fsync of the append-only log: always (before replying), everysec, or no (the OS decides)");
  /** How often a snapshot is written. */
  public static final ConfigKey<Duration> SNAPSHOT_INTERVAL = ConfigKey.of("snapshot-interval",
      duration(), Duration.ofSeconds(120), STARTUP, "write a snapshot this often; 0 never");
  /** What recovery does with a damaged append-only log. */
  public static final ConfigKey<Boolean> AOF_LOAD_TRUNCATED = ConfigKey.of("aof-load-truncated",
      yesNo(), true, STARTUP,
      "cut a damaged or truncated log tail at start with a warning (yes), or refuse to start (no)");
  /** The log size below which growth never triggers a rewrite. */
  public static final ConfigKey<Long> AUTO_AOF_REWRITE_MIN_SIZE = ConfigKey.of(
      "auto-aof-rewrite-min-size", bytes(0, Long.MAX_VALUE), 64L << 20, STARTUP,
      "rewrite the log (take a snapshot) once it exceeds this and twice the last snapshot");
  /** The log writer's memory bound. */
  public static final ConfigKey<Long> AOF_BUFFER_LIMIT = ConfigKey.of("aof-buffer-limit",
      bytes(64L << 10, Integer.MAX_VALUE), 64L << 20, STARTUP,
      "most bytes of log records held in memory for the disk; then writers wait (up to "
          + "aof-buffer-wait, then the write is refused)");
  /** How long a write waits for room in a full log buffer before it is refused. */
  public static final ConfigKey<Duration> AOF_BUFFER_WAIT = ConfigKey.of("aof-buffer-wait",
      duration(), Duration.ofSeconds(5), STARTUP,
      "how long a write waits for room in a full aof-buffer-limit before it is refused; 0 refuses "
          + "at once");
  /** Redis's snapshot schedule, accepted for clients that set it. */
  public static final ConfigKey<String> SAVE = ConfigKey.of("save", text(true), "", RUNTIME,
      "Redis's snapshot schedule; accepted for client compatibility, ignored (use "
          + "snapshot-interval)");

  // -------------------------------------------------------------------------------- security
  /** The password. */
  public static final ConfigKey<String> REQUIREPASS = ConfigKey.of("requirepass", text(true), "",
      RUNTIME, "password: RESP clients must AUTH, HTTP clients send 'Authorization: Bearer "
          + "<password>'; empty for none").secret();

  // --------------------------------------------------------------------------------- cluster
  /** The coordinator. */
  public static final ConfigKey<String> COORDINATOR = ConfigKey.of("coordinator", hostPort(), "",
      STARTUP, "HOST:PORT of the coordinator; empty for the embedded one");

  // --------------------------------------------------------------------------------- logging
  /** The log level. */
  public static final ConfigKey<String> LOGLEVEL = ConfigKey.of("loglevel",
      oneOf("trace", "debug", "verbose", "info", "notice", "warn", "warning", "error"), "info",
      RUNTIME, "least severe level logged (verbose = debug, notice = info, warning = warn)");
  /** The log file. */
  public static final ConfigKey<Path> LOGFILE = ConfigKey.of("logfile", path(true), Path.of(""),
      STARTUP, "also log to this file (relative to dir), rotated by size; empty for stderr only");
  /** Size at which the log file rotates. */
  public static final ConfigKey<Long> LOGFILE_MAX_SIZE = ConfigKey.of("logfile-max-size",
      bytes(1024, Long.MAX_VALUE), 100L << 20, STARTUP,
      "rotate the log file when it grows past this size");
  /** Rotated log files kept. */
  public static final ConfigKey<Integer> LOGFILE_MAX_HISTORY = ConfigKey.of("logfile-max-history",
      integer(1, 20), 5, STARTUP, "rotated log files kept (logfile.1 ... logfile.N)");

  // ---------------------------------------------------------------------------------- agents
  /** Bytes of SYNC messages the node keeps for agents' repairs. */
  public static final ConfigKey<Long> SYNCHUB_BACKLOG_SIZE = ConfigKey.of("synchub-backlog-size",
      bytes(16L << 10, 1L << 40), 8L << 20, RUNTIME,
      "bytes of agents' SYNC messages kept for replay (SYNCHUB REPLAY); an agent that missed "
          + "more than this drops the keys it cannot repair");

  // ---------------------------------------------------------------------------- debugging
  /** Who may call the debugging hooks. */
  public static final ConfigKey<String> ENABLE_DEBUG_COMMAND = ConfigKey.of(
      "enable-debug-command", oneOf("no", "yes", "local"), "no", STARTUP,
      "allow the test hooks (SYNCHUB DEBUG): no, yes, or local (loopback and UNIX-socket "
          + "clients only)");

  // ---------------------------------------------------------------------------- compatibility
  /** Redis's database count, reported for clients that ask. */
  public static final ConfigKey<Integer> DATABASES = ConfigKey.of("databases", integer(1, 1), 1,
      STARTUP, "Redis's database count; always 1 (named caches replace numbered databases)");

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> ALL = List.of(
      BIND, PORT, UNIXSOCKET, UNIXSOCKETPERM, HTTP_PORT, MAXCLIENTS, TIMEOUT, IO_THREADS,
      IO_SPIN_MICROS, IO_THREAD_SLICE_MICROS,
      PROTO_MAX_BULK_LEN, MAX_MULTIBULK_LEN, MAX_INLINE_LEN, CLIENT_QUERY_BUFFER_LIMIT,
      CLIENT_OUTPUT_BUFFER_LIMIT, HTTP_MAX_CONTENT_LENGTH, HTTP_MAX_HEADER_SIZE,
      HTTP_MAX_INITIAL_LINE_LENGTH,
      MAXMEMORY, POLICY, DIR, APPENDONLY, APPENDFSYNC, SNAPSHOT_INTERVAL, AOF_LOAD_TRUNCATED,
      AUTO_AOF_REWRITE_MIN_SIZE, AOF_BUFFER_LIMIT, AOF_BUFFER_WAIT, SAVE, REQUIREPASS,
      COORDINATOR, LOGLEVEL, LOGFILE, LOGFILE_MAX_SIZE, LOGFILE_MAX_HISTORY,
      SYNCHUB_BACKLOG_SIZE, ENABLE_DEBUG_COMMAND, DATABASES);

  private static final Map<String, ConfigKey<?>> BY_NAME;

  static {
    Map<String, ConfigKey<?>> m = new LinkedHashMap<>();
    for (ConfigKey<?> k : ALL) {
      for (String n : names(k)) {
        if (m.put(n, k) != null) {
          throw new ExceptionInInitializerError("config key declared twice: " + n);
        }
      }
    }
    BY_NAME = Collections.unmodifiableMap(m);
  }

  /** Returns the name and the aliases of {@code key}. */
  public static List<String> names(ConfigKey<?> key) {
    List<String> n = new ArrayList<>();
    n.add(key.name());
    n.addAll(key.aliases());
    return n;
  }

  /** Returns the key named {@code name} (any case, {@code _} for {@code -}), or null. */
  public static ConfigKey<?> find(String name) {
    return BY_NAME.get(normalize(name));
  }

  /** Returns {@code name} lower-cased with {@code _} read as {@code -}. */
  public static String normalize(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Returns every name and alias, in documentation order. */
  public static List<String> allNames() {
    return List.copyOf(BY_NAME.keySet());
  }

  /**
   * Returns the default number of worker loops on {@code cores} cores: one a core, but a single
   * loop on one or two cores, where a second loop only competes with the clients and the GC for
   * the same two CPUs and gets preempted mid-batch (see docs/benchmarks.md, Tiercel vs Redis).
   */
  public static int defaultIoThreads(int cores) {
    return cores <= 2 ? 1 : cores;
  }
}
