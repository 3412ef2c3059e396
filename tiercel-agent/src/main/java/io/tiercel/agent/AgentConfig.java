package io.tiercel.agent;

import io.tiercel.core.ConfigValues;
import io.tiercel.server.ServerConfig;
import io.tiercel.server.config.CommandLineFlags;
import io.tiercel.server.config.ConfigFileLines;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The flags of {@code bin/tiercel agent}. Store settings ({@code --maxmemory}, {@code --policy},
 * {@code --io-threads}, {@code --loglevel}) are the node's own keys and are validated by
 * {@link ServerConfig}; the agent adds where to listen and which nodes to use. A {@code --config}
 * file holds the same keys as {@code key value} lines; flags override it.
 */
public final class AgentConfig {
  /** The usage text printed by {@code --help} and on a bad flag. */
  public static final String USAGE =
      """
      usage: bin/tiercel agent --unixsocket PATH --nodes HOST:PORT [options]

        --config FILE       read settings from FILE: one "key value" per line, the keys being
                            these flags' names ("#" starts a comment); flags override it
        --unixsocket PATH   UNIX socket the agent serves RESP on (required)
        --nodes HOST:PORT   the node GGET/GSET/GDEL go to and SYNC travels through (required;
                            this version uses exactly one node)
        --nodes-password S  password the node asks for (its --requirepass), sent as AUTH on
                            every connection to it (default: none); better set in --config
        --port P            also serve RESP on TCP port P (0 picks a free port; default: off)
        --bind ADDR         TCP address with --port and --http-port (default 127.0.0.1)
        --http-port P       also serve HTTP (/metrics, /health, REST on the local store) on P
                            (0 picks a free port; default: off)
        --maxmemory SIZE    memory bound of the local store (e.g. 256mb)
        --policy P          eviction policy of the local store: lru | arc | tinylfu
        --io-threads N      event loops (and upstream connections per node)
        --io-spin-micros N  longest an idle event loop polls before it blocks, earned by its
                            own work (default 50; 0 blocks at once)
        --io-thread-slice-micros N
                            scheduler time slice each event loop asks Linux 6.12+ for, so that a
                            woken loop runs ahead of busy threads (default 100; 0 keeps the
                            kernel's)
        --near-cache NAMES  comma-separated caches whose GGETs keep a near copy, invalidated by
                            the node (default: none)
        --near-cache-ttl D  longest a near copy is kept (default 60s)
        --near-cache-size N most near copies kept (default 100000)
        --sync-check-interval D
                            how often the sync sequences are compared with the node's (default
                            1s; 0 turns the periodic check off)
        --loglevel L        debug | info | warn | error
      """;

  /** The agent's default {@code io-spin-micros}; the node's is 0. */
  static final int AGENT_IO_SPIN_MICROS = 50;

  private static final Set<String> STORE_KEYS =
      Set.of("maxmemory", "policy", "io-threads", "io-spin-micros", "io-thread-slice-micros",
          "loglevel", "bind", "maxclients");

  private final Path unixSocket;
  private final List<InetSocketAddress> nodes;
  private final int port;
  private final ServerConfig store;
  private Set<String> nearCaches = Set.of();
  private Duration nearCacheTtl = Duration.ofSeconds(60);
  private int nearCacheSize = 100_000;
  private Duration syncCheckInterval = Duration.ofSeconds(1);
  private int httpPort = -1;
  private String nodesPassword;

  private AgentConfig(Path unixSocket, List<InetSocketAddress> nodes, int port,
      ServerConfig store) {
    this.unixSocket = unixSocket;
    this.nodes = nodes;
    this.port = port;
    this.store = store;
  }

  /**
   * Parses the flags.
   *
   * @throws IllegalArgumentException naming the flag and what was expected
   */
  public static AgentConfig parse(String... args) {
    Path socket = null;
    List<InetSocketAddress> nodes = List.of();
    int port = -1;
    int httpPort = -1;
    ServerConfig store = new ServerConfig();
    // The agent's loops spin by default, the node's do not: measured in docs/benchmarks.md
    // ("Session 11"), the spin lowered the agent's local-GET p99, and cost a node CPU at pipeline 1.
    store.set("io-spin-micros", String.valueOf(AGENT_IO_SPIN_MICROS));
    Set<String> near = Set.of();
    Duration nearTtl = Duration.ofSeconds(60);
    int nearSize = 100_000;
    Duration check = Duration.ofSeconds(1);
    String password = null;
    for (String[] pair : settings(args)) {
      String key = pair[0];
      String value = pair[1];
      switch (key) {
        case "unixsocket" -> socket = Path.of(value);
        case "nodes" -> nodes = nodes(value);
        case "port" -> port = port(value);
        case "http-port" -> httpPort = port(value);
        case "near-cache" -> near = value.isBlank() ? Set.of()
            : Set.copyOf(Arrays.asList(value.split(",")));
        case "near-cache-ttl" -> nearTtl = positive(key, ConfigValues.parseDuration(key, value));
        case "near-cache-size" -> nearSize = count(key, value);
        case "sync-check-interval" -> check = ConfigValues.parseDuration(key, value);
        case "nodes-password" -> password = value.isEmpty() ? null : value;
        default -> {
          if (!STORE_KEYS.contains(key)) {
            throw new IllegalArgumentException("unknown flag --" + key);
          }
          store.set(key, value);
        }
      }
    }
    if (socket == null) {
      throw new IllegalArgumentException("--unixsocket is required");
    }
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("--nodes is required");
    }
    if (nodes.size() > 1) {
      throw new IllegalArgumentException("--nodes: this version uses exactly one node (got "
          + nodes.size() + "); routing by key slot comes with cluster support");
    }
    store.set("port", "0");
    AgentConfig config = new AgentConfig(socket, nodes, port, store);
    config.nearCaches = near;
    config.nearCacheTtl = nearTtl;
    config.nearCacheSize = nearSize;
    config.syncCheckInterval = check;
    config.httpPort = httpPort;
    config.nodesPassword = password;
    return config;
  }

  /**
   * Returns the settings as (key, value) pairs: those of the {@code --config} file first, then
   * the flags, so a flag overrides the file.
   */
  private static List<String[]> settings(String... args) {
    List<String[]> flags = CommandLineFlags.pairs(args);
    List<String[]> out = new ArrayList<>();
    for (String[] f : flags) {
      if (f[0].equals("config")) {
        out.addAll(file(Path.of(f[1])));
      }
    }
    for (String[] f : flags) {
      if (!f[0].equals("config")) {
        out.add(f);
      }
    }
    return out;
  }

  /** Reads a config file of {@code key value} lines (as a node's), as (key, value) pairs. */
  private static List<String[]> file(Path file) {
    List<String[]> out = new ArrayList<>();
    for (ConfigFileLines.Line line : ConfigFileLines.read(file)) {
      out.add(new String[] {line.key(), line.value()});
    }
    return out;
  }

  /** Returns the password sent as AUTH to the node, or null for none; never logged. */
  public String nodesPassword() {
    return nodesPassword;
  }

  private static int count(String key, String value) {
    try {
      int n = Integer.parseInt(value.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--" + key + ": '" + value + "' (expected: 1.."
        + Integer.MAX_VALUE + ")");
  }

  private static Duration positive(String key, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("--" + key + ": must be positive");
    }
    return d;
  }

  /** Returns the HTTP port, 0 for a free one, or -1 when HTTP is off. */
  public int httpPort() {
    return httpPort;
  }

  /** Returns the caches whose GGETs use the near cache. */
  public Set<String> nearCaches() {
    return nearCaches;
  }

  /** Returns the TTL backstop of near copies. */
  public Duration nearCacheTtl() {
    return nearCacheTtl;
  }

  /** Returns the most near copies kept. */
  public int nearCacheSize() {
    return nearCacheSize;
  }

  /** Returns the period of the sync anti-entropy check; zero for none. */
  public Duration syncCheckInterval() {
    return syncCheckInterval;
  }

  private static List<InetSocketAddress> nodes(String value) {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String hp : value.split(",")) {
      int colon = hp.lastIndexOf(':');
      if (colon <= 0 || colon == hp.length() - 1) {
        throw new IllegalArgumentException("--nodes: '" + hp + "' (expected: HOST:PORT)");
      }
      int p = port(hp.substring(colon + 1));
      if (p == 0) {
        throw new IllegalArgumentException("--nodes: port 0 in '" + hp + "'");
      }
      out.add(InetSocketAddress.createUnresolved(hp.substring(0, colon), p));
    }
    return List.copyOf(out);
  }

  private static int port(String value) {
    try {
      int p = Integer.parseInt(value);
      if (p >= 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("port '" + value + "' (expected: 0..65535)");
  }

  /** Returns the UNIX socket path. */
  public Path unixSocket() {
    return unixSocket;
  }

  /** Returns the nodes, unresolved. */
  public List<InetSocketAddress> nodes() {
    return nodes;
  }

  /** Returns the TCP port, 0 for a free one, or -1 when TCP is off. */
  public int port() {
    return port;
  }

  /** Returns the local store's settings, in the node's config model. */
  public ServerConfig store() {
    return store;
  }
}
