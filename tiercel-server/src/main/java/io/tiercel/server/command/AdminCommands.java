package io.tiercel.server.command;

import io.netty.channel.Channel;
import io.netty.channel.unix.DomainSocketAddress;
import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheManager;
import io.tiercel.core.CacheStats;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespLimits;
import io.tiercel.server.HeapPacer;
import io.tiercel.server.backing.StoreCaches;
import io.tiercel.server.config.ConfigException;
import io.tiercel.server.config.ConfigKey;
import io.tiercel.server.config.ConfigKeys;
import io.tiercel.server.config.Settings;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Server administration: INFO, CONFIG, COMMAND, CLIENT, TIME and Tiercel's CACHE (MEMORY and
 * OBJECT are {@link IntrospectionCommands}).
 */
final class AdminCommands {
  /** The Redis version whose commands and replies Tiercel follows; clients probe it. */
  static final String REDIS_VERSION = "7.2.0";
  /** Tiercel's own version. */
  static final String TIERCEL_VERSION = "0.1.0";

  private AdminCommands() {}

  static void unknownSubcommand(RespArgs a, String command) {
    throw new CommandError("ERR unknown subcommand '" + a.string(1) + "'. Try " + command
        + " HELP.");
  }

  /** Fails with Redis's wrong-arity error unless {@code a} has {@code arity} (< 0: at least) args. */
  static void arity(RespArgs a, String name, int arity) {
    if (arity > 0 ? a.count() != arity : a.count() < -arity) {
      throw new CommandError(CommandDispatcher.wrongArity(name));
    }
  }

  // --------------------------------------------------------------------------------- INFO

  static void info(Node n, Session s, RespArgs a, Reply r) {
    List<String> wanted = new ArrayList<>();
    for (int i = 1; i < a.count(); i++) {
      wanted.add(a.string(i).toLowerCase(Locale.ROOT));
    }
    boolean all = wanted.isEmpty() || wanted.contains("all") || wanted.contains("everything")
        || wanted.contains("default");
    StringBuilder sb = new StringBuilder(1024);
    if (all || wanted.contains("server")) {
      section(sb, "Server");
      field(sb, "redis_version", REDIS_VERSION);
      field(sb, "tiercel_version", TIERCEL_VERSION);
      field(sb, "redis_mode", "cluster");
      field(sb, "os", System.getProperty("os.name") + " " + System.getProperty("os.version")
          + " " + System.getProperty("os.arch"));
      field(sb, "arch_bits", "64");
      field(sb, "multiplexing_api", n.transport);
      field(sb, "io_thread_slice_us", Integer.toString(n.ioThreadSliceMicros));
      field(sb, "java_version", System.getProperty("java.version"));
      field(sb, "process_id", Long.toString(ProcessHandle.current().pid()));
      field(sb, "run_id", n.runId);
      field(sb, "tcp_port", Integer.toString(n.tcpPort));
      long uptime = (n.clock.millis() - n.startMillis) / 1000;
      field(sb, "uptime_in_seconds", Long.toString(uptime));
      field(sb, "uptime_in_days", Long.toString(uptime / 86400));
      field(sb, "hz", "10");
      field(sb, "config_file",
          n.config.configFile() == null ? "" : n.config.configFile().toString());
    }
    if (all || wanted.contains("clients")) {
      section(sb, "Clients");
      field(sb, "connected_clients", Integer.toString(n.connectedClients()));
      field(sb, "maxclients", Integer.toString(n.maxClients));
      field(sb, "blocked_clients", "0");
      int subscribers = 0;
      long maxOutput = 0;
      for (Session c : n.sessions()) {
        if (c.subscriptions() > 0) {
          subscribers++;
        }
        maxOutput = Math.max(maxOutput, PushBufferLimit.pendingBytes(c.channel));
      }
      field(sb, "pubsub_clients", Integer.toString(subscribers));
      // Redis's name; here the largest output waiting now, not over the last few seconds.
      field(sb, "client_recent_max_output_buffer", Long.toString(maxOutput));
    }
    CacheStats total = new CacheStats(0, 0, 0, 0, 0, 0);
    for (String name : n.caches.names()) {
      Cache c = n.caches.get(name);
      if (c != null) {
        CacheStats st = c.stats();
        total = new CacheStats(total.hits() + st.hits(), total.misses() + st.misses(),
            total.evictions() + st.evictions(), total.expirations() + st.expirations(),
            total.entries() + st.entries(), total.bytes() + st.bytes());
      }
    }
    if (all || wanted.contains("memory")) {
      Cache d = n.caches.defaultCache();
      NodeMemory m = NodeMemory.of(n);
      section(sb, "Memory");
      field(sb, "used_memory", Long.toString(m.cacheBytes()));
      field(sb, "used_memory_human", human(m.cacheBytes()));
      field(sb, "used_memory_rss", Long.toString(m.heapCommitted()));
      field(sb, "used_memory_rss_human", human(m.heapCommitted()));
      field(sb, "jvm_heap_used", Long.toString(m.heapUsed()));
      field(sb, "jvm_heap_max", Long.toString(m.heapMax()));
      field(sb, "jvm_heap_soft_max", Long.toString(HeapPacer.softMaxHeap()));
      field(sb, "jvm_allocated_bytes", Long.toString(m.allocated()));
      field(sb, "maxmemory", Long.toString(d.config().maxMemory()));
      field(sb, "maxmemory_human", human(d.config().maxMemory()));
      field(sb, "maxmemory_policy", d.config().policy().configName());
    }
    if (all || wanted.contains("stats")) {
      section(sb, "Stats");
      field(sb, "total_connections_received", Long.toString(n.connectionsReceived.sum()));
      field(sb, "total_commands_processed", Long.toString(n.commandsProcessed.sum()));
      field(sb, "rejected_connections", Long.toString(n.rejectedConnections.sum()));
      field(sb, "client_output_buffer_limit_disconnections",
          Long.toString(n.pushLimit.disconnections()));
      field(sb, "expired_keys", Long.toString(total.expirations()));
      field(sb, "evicted_keys", Long.toString(total.evictions()));
      field(sb, "keyspace_hits", Long.toString(total.hits()));
      field(sb, "keyspace_misses", Long.toString(total.misses()));
      field(sb, "pubsub_channels", Integer.toString(n.channels.size()));
      field(sb, "pubsub_patterns", Integer.toString(n.patterns.size()));
    }
    if (all || wanted.contains("persistence")) {
      section(sb, "Persistence");
      PersistenceCommands.info(n).forEach((k, v) -> field(sb, k, v));
    }
    if (all || wanted.contains("cluster")) {
      section(sb, "Cluster");
      field(sb, "cluster_enabled", "1");
    }
    if (all || wanted.contains("keyspace")) {
      section(sb, "Keyspace");
      Cache d = n.caches.defaultCache();
      long keys = d.size();
      if (keys > 0) {
        // avg_ttl is Redis's sampled estimate; the store keeps no such sample, so 0 ("unknown"),
        // which Redis also reports before its first estimate.
        field(sb, "db0", "keys=" + keys + ",expires=" + d.expiringSize() + ",avg_ttl=0");
      }
    }
    if (all || wanted.contains("caches")) {
      section(sb, "Caches");
      for (String name : n.caches.names()) {
        Cache c = n.caches.get(name);
        if (c != null) {
          CacheStats st = c.stats();
          field(sb, "cache_" + name, "keys=" + c.size() + ",bytes=" + c.weightedSize()
              + ",maxmemory=" + c.config().maxMemory() + ",policy=" + c.config().policy()
              .configName() + ",hits=" + st.hits() + ",misses=" + st.misses()
              + ",evictions=" + st.evictions() + ",expirations=" + st.expirations());
        }
      }
    }
    if (all || wanted.contains("store")) {
      sb.append(StoreCaches.info(n.caches));
    }
    n.infoSections.forEach((name, text) -> {
      if (all || wanted.contains(name)) {
        sb.append(text.get());
      }
    });
    if (sb.length() >= 2) {
      sb.setLength(sb.length() - 2);
    }
    r.verbatim(sb.toString());
  }

  private static void section(StringBuilder sb, String name) {
    sb.append("# ").append(name).append("\r\n");
  }

  private static void field(StringBuilder sb, String key, String value) {
    sb.append(key).append(':').append(value).append("\r\n");
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + "B";
    }
    String[] units = {"K", "M", "G", "T"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f%s", v, units[u]);
  }

  // ------------------------------------------------------------------------------- CONFIG

  static void config(Node n, Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "GET")) {
      arity(a, "config|get", -3);
      Map<String, String> values = new LinkedHashMap<>();
      Settings settings = n.config.settings();
      for (int i = 2; i < a.count(); i++) {
        byte[] pattern = a.string(i).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        for (ConfigKey<?> key : ConfigKeys.ALL) {
          for (String name : ConfigKeys.names(key)) {
            if (Glob.matches(pattern, name.getBytes(StandardCharsets.UTF_8))) {
              values.put(name, settings.show(key));
            }
          }
        }
      }
      r.map(values.size());
      for (Map.Entry<String, String> e : values.entrySet()) {
        r.bulk(e.getKey());
        r.bulk(e.getValue());
      }
    } else if (a.equalsIgnoreCase(1, "SET")) {
      arity(a, "config|set", -4);
      if (a.count() % 2 != 0) {
        throw new CommandError("ERR wrong number of arguments for 'config|set' command");
      }
      List<String> pairs = new ArrayList<>();
      for (int i = 2; i < a.count(); i++) {
        pairs.add(a.string(i));
      }
      try {
        n.config.settings().setAtRuntime(pairs);
      } catch (ConfigException e) {
        if (e.reason() == ConfigException.Reason.UNKNOWN) {
          throw new CommandError(
              "ERR Unknown option or number of arguments for CONFIG SET - '" + e.key() + "'");
        }
        throw new CommandError("ERR CONFIG SET failed (possibly related to argument '"
            + ConfigKeys.normalize(e.key()) + "') - " + e.getMessage());
      }
      r.ok();
    } else if (a.equalsIgnoreCase(1, "RESETSTAT")) {
      arity(a, "config|resetstat", 2);
      n.commandsProcessed.reset();
      n.connectionsReceived.reset();
      n.rejectedConnections.reset();
      n.pushLimit.resetStats();
      r.ok();
    } else if (a.equalsIgnoreCase(1, "REWRITE")) {
      throw new CommandError("ERR CONFIG REWRITE is not supported: edit the config file");
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      help(r, "CONFIG GET <pattern>", "CONFIG SET <parameter> <value> [<parameter> <value> ...]",
          "CONFIG RESETSTAT");
    } else {
      unknownSubcommand(a, "CONFIG");
    }
  }

  // ------------------------------------------------------------------------------ COMMAND

  static void command(Node n, Session s, RespArgs a, Reply r) {
    if (a.count() == 1) {
      Command[] all = Command.values();
      r.array(all.length);
      for (Command c : all) {
        commandInfo(r, c);
      }
    } else if (a.equalsIgnoreCase(1, "COUNT")) {
      arity(a, "command|count", 2);
      r.integer(Command.values().length);
    } else if (a.equalsIgnoreCase(1, "INFO")) {
      r.array(a.count() - 2);
      for (int i = 2; i < a.count(); i++) {
        Command c = CommandTable.lookup(a.buffer(), a.index(i), a.length(i));
        if (c == null) {
          r.nullArray();
        } else {
          commandInfo(r, c);
        }
      }
    } else if (a.equalsIgnoreCase(1, "DOCS")) {
      List<Command> list = new ArrayList<>();
      if (a.count() == 2) {
        list.addAll(List.of(Command.values()));
      } else {
        for (int i = 2; i < a.count(); i++) {
          Command c = CommandTable.lookup(a.buffer(), a.index(i), a.length(i));
          if (c != null) {
            list.add(c);
          }
        }
      }
      r.map(list.size());
      for (Command c : list) {
        r.bulk(c.lowerName);
        r.map(3);
        r.bulk("summary");
        r.bulk(c.lowerName + " (Tiercel)");
        r.bulk("since");
        r.bulk("1.0.0");
        r.bulk("group");
        r.bulk(group(c));
      }
    } else if (a.equalsIgnoreCase(1, "LIST")) {
      Command[] all = Command.values();
      r.array(all.length);
      for (Command c : all) {
        r.bulk(c.lowerName);
      }
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      help(r, "COMMAND", "COMMAND COUNT", "COMMAND INFO [<command-name> ...]",
          "COMMAND DOCS [<command-name> ...]", "COMMAND LIST");
    } else {
      unknownSubcommand(a, "COMMAND");
    }
  }

  private static String group(Command c) {
    return switch (c) {
      case PING, ECHO, HELLO, AUTH, SELECT, QUIT, RESET, CLIENT -> "connection";
      case DEL, UNLINK, EXISTS, TOUCH, EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL,
          EXPIRETIME, PEXPIRETIME, PERSIST, KEYS, SCAN, RANDOMKEY, TYPE, RENAME, RENAMENX,
          WAIT -> "generic";
      case CLUSTER, READONLY, READWRITE -> "cluster";
      case PUBLISH, SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBSUB, SYNCHUB -> "pubsub";
      case INFO, CONFIG, COMMAND, TIME, DBSIZE, FLUSHDB, FLUSHALL, CACHE, SAVE, BGSAVE, LASTSAVE,
          BGREWRITEAOF, MEMORY -> "server";
      case OBJECT -> "generic";
      default -> "string";
    };
  }

  private static void commandInfo(Reply r, Command c) {
    r.array(10);
    r.bulk(c.lowerName);
    r.integer(c.arity);
    r.set(c.flags.size());
    for (String f : c.flags) {
      r.simple(f);
    }
    r.integer(c.firstKey);
    r.integer(c.lastKey);
    r.integer(c.step);
    r.set(0);
    r.set(0);
    r.array(0);
    r.array(0);
  }

  /** Writes a HELP reply: one simple string a line. */
  static void help(Reply r, String... lines) {
    r.array(lines.length);
    for (String line : lines) {
      r.simple(line);
    }
  }

  // ------------------------------------------------------------------------------- CLIENT

  static void checkClientName(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '!' || c > '~') {
        throw new CommandError(
            "ERR Client names cannot contain spaces, newlines or special characters.");
      }
    }
  }

  static void client(Node n, Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "ID")) {
      arity(a, "client|id", 2);
      r.integer(s.id);
    } else if (a.equalsIgnoreCase(1, "SETNAME")) {
      arity(a, "client|setname", 3);
      String name = a.string(2);
      checkClientName(name);
      s.name = name;
      r.ok();
    } else if (a.equalsIgnoreCase(1, "GETNAME")) {
      arity(a, "client|getname", 2);
      r.bulk(s.name.isEmpty() ? null : s.name);
    } else if (a.equalsIgnoreCase(1, "SETINFO")) {
      arity(a, "client|setinfo", 4);
      String value = a.string(3);
      checkClientName(value);
      if (a.equalsIgnoreCase(2, "LIB-NAME")) {
        s.libName = value;
      } else if (a.equalsIgnoreCase(2, "LIB-VER")) {
        s.libVersion = value;
      } else {
        throw new CommandError("ERR Unrecognized option '" + a.string(2) + "'");
      }
      r.ok();
    } else if (a.equalsIgnoreCase(1, "LIST")) {
      StringBuilder sb = new StringBuilder();
      List<Long> ids = new ArrayList<>();
      for (int i = 2; i < a.count(); i++) {
        if (a.equalsIgnoreCase(i, "ID")) {
          for (int j = i + 1; j < a.count(); j++) {
            ids.add(Args.integer(a, j));
          }
          break;
        } else if (a.equalsIgnoreCase(i, "TYPE") && i + 1 < a.count()) {
          i++;
        } else {
          throw CommandError.SYNTAX;
        }
      }
      for (Session c : n.sessions()) {
        if (ids.isEmpty() || ids.contains(c.id)) {
          describe(n, c, sb);
          sb.append('\n');
        }
      }
      r.verbatim(sb.toString());
    } else if (a.equalsIgnoreCase(1, "INFO")) {
      arity(a, "client|info", 2);
      StringBuilder sb = new StringBuilder();
      describe(n, s, sb);
      r.verbatim(sb.append('\n').toString());
    } else if (a.equalsIgnoreCase(1, "KILL")) {
      arity(a, "client|kill", -3);
      kill(n, s, a, r);
    } else if (a.equalsIgnoreCase(1, "NO-EVICT") || a.equalsIgnoreCase(1, "NO-TOUCH")
        || a.equalsIgnoreCase(1, "REPLY")) {
      arity(a, "client|" + a.string(1).toLowerCase(Locale.ROOT), 3);
      r.ok();
    } else if (a.equalsIgnoreCase(1, "TRACKING")) {
      arity(a, "client|tracking", -3);
      tracking(n, s, a, r);
    } else if (a.equalsIgnoreCase(1, "GETREDIR")) {
      arity(a, "client|getredir", 2);
      r.integer(!s.tracking ? -1 : s.trackingRedirect);
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      help(r, "CLIENT ID", "CLIENT SETNAME <name>", "CLIENT GETNAME", "CLIENT LIST [ID id ...]",
          "CLIENT INFO", "CLIENT KILL <ip:port> | ID <id> | ADDR <ip:port> | LADDR <ip:port> "
              + "| SKIPME yes|no", "CLIENT SETINFO LIB-NAME|LIB-VER <value>");
    } else {
      unknownSubcommand(a, "CLIENT");
    }
  }

  /** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p]... [BCAST] [NOLOOP]; see {@link Tracking}. */
  private static void tracking(Node n, Session s, RespArgs a, Reply r) {
    boolean on;
    if (a.equalsIgnoreCase(2, "ON")) {
      on = true;
    } else if (a.equalsIgnoreCase(2, "OFF")) {
      on = false;
    } else {
      throw CommandError.SYNTAX;
    }
    long redirect = 0;
    boolean bcast = false;
    boolean noLoop = false;
    List<byte[]> prefixes = new ArrayList<>();
    for (int i = 3; i < a.count(); i++) {
      boolean hasNext = i + 1 < a.count();
      if (a.equalsIgnoreCase(i, "REDIRECT") && hasNext) {
        redirect = Args.integer(a, ++i);
        if (redirect == s.id) {
          throw new CommandError("ERR Tracking redirect to self is not allowed");
        }
        if (!n.clients.containsKey(redirect)) {
          throw new CommandError("ERR The client ID you want redirect to does not exist");
        }
      } else if (a.equalsIgnoreCase(i, "BCAST")) {
        bcast = true;
      } else if (a.equalsIgnoreCase(i, "PREFIX") && hasNext) {
        prefixes.add(a.bytes(++i));
      } else if (a.equalsIgnoreCase(i, "NOLOOP")) {
        noLoop = true;
      } else if (a.equalsIgnoreCase(i, "OPTIN") || a.equalsIgnoreCase(i, "OPTOUT")) {
        throw new CommandError("ERR CLIENT TRACKING " + a.string(i).toUpperCase(Locale.ROOT)
            + " is not supported by this node (default and BCAST modes are)");
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if (!on) {
      n.tracking.disable(s);
    } else {
      if (!bcast && !prefixes.isEmpty()) {
        throw new CommandError("ERR PREFIX option requires BCAST mode to be enabled");
      }
      n.tracking.enable(s, redirect, bcast, List.copyOf(prefixes), noLoop);
    }
    r.ok();
  }

  private static void describe(Node n, Session c, StringBuilder sb) {
    long now = n.clock.millis();
    Channel ch = c.channel;
    Cache selected = c.cache;
    sb.append("id=").append(c.id)
        .append(" addr=").append(address(ch.remoteAddress()))
        .append(" laddr=").append(address(ch.localAddress()))
        .append(" fd=-1 name=").append(c.name)
        .append(" age=").append((now - c.createdMillis) / 1000)
        .append(" idle=").append((now - c.lastInteractionMillis) / 1000)
        .append(" flags=").append(c.subscriptions() > 0 ? "P" : "N")
        .append(" db=").append(selected == n.caches.defaultCache() ? 0 : -1)
        .append(" sub=").append(c.channels.size())
        .append(" psub=").append(c.patterns.size())
        .append(" ssub=0 multi=-1 watch=0 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0")
        .append(" obl=0 oll=0 omem=").append(PushBufferLimit.pendingBytes(ch))
        .append(" tot-mem=0 events=r cmd=").append(c.lastCommand)
        .append(" user=default redir=-1 resp=").append(c.resp3 ? 3 : 2)
        .append(" lib-name=").append(c.libName)
        .append(" lib-ver=").append(c.libVersion)
        .append(" cache=").append(selected.name());
    if (selected instanceof UnusableCache u) {
      // The name of a dropped (or missing) cache, marked; ':' never occurs in a cache name.
      sb.append(':').append(u.reason());
    }
  }

  /** Formats an address as Redis: {@code ip:port}, or {@code path:0} for a UNIX socket. */
  static String address(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host = inet.getAddress() == null ? inet.getHostString()
          : inet.getAddress().getHostAddress();
      return host + ":" + inet.getPort();
    }
    if (address instanceof DomainSocketAddress d) {
      return d.path() + ":0";
    }
    if (address instanceof UnixDomainSocketAddress u) {
      return u.getPath() + ":0";
    }
    return address == null ? "" : address.toString();
  }

  private static void kill(Node n, Session s, RespArgs a, Reply r) {
    if (a.count() == 3) {
      String addr = a.string(2);
      for (Session c : n.sessions()) {
        if (addr.equals(address(c.channel.remoteAddress()))) {
          close(s, c);
          r.ok();
          return;
        }
      }
      throw new CommandError("ERR No such client");
    }
    if ((a.count() - 2) % 2 != 0) {
      throw CommandError.SYNTAX;
    }
    Long id = null;
    String addr = null;
    String laddr = null;
    boolean skipMe = true;
    for (int i = 2; i < a.count(); i += 2) {
      if (a.equalsIgnoreCase(i, "ID")) {
        if (!a.isLong(i + 1) || a.longValue(i + 1) <= 0) {
          throw new CommandError("ERR client-id should be greater than 0");
        }
        id = a.longValue(i + 1);
      } else if (a.equalsIgnoreCase(i, "ADDR")) {
        addr = a.string(i + 1);
      } else if (a.equalsIgnoreCase(i, "LADDR")) {
        laddr = a.string(i + 1);
      } else if (a.equalsIgnoreCase(i, "SKIPME")) {
        if (a.equalsIgnoreCase(i + 1, "yes")) {
          skipMe = true;
        } else if (a.equalsIgnoreCase(i + 1, "no")) {
          skipMe = false;
        } else {
          throw CommandError.SYNTAX;
        }
      } else {
        throw CommandError.SYNTAX;
      }
    }
    int killed = 0;
    for (Session c : n.sessions()) {
      if ((id != null && c.id != id)
          || (addr != null && !addr.equals(address(c.channel.remoteAddress())))
          || (laddr != null && !laddr.equals(address(c.channel.localAddress())))
          || (skipMe && c == s)) {
        continue;
      }
      close(s, c);
      killed++;
    }
    r.integer(killed);
  }

  private static void close(Session self, Session target) {
    target.closing = true;
    if (target != self) {
      target.channel.close();
    }
  }

  // ---------------------------------------------------------------------------- TIME, CACHE

  static void time(Node n, Reply r) {
    java.time.Instant now = java.time.Instant.now();
    r.array(2);
    r.bulk(now.getEpochSecond());
    r.bulk(now.getNano() / 1000);
  }

  static void cache(Node n, Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "CREATE")) {
      arity(a, "cache|create", -3);
      String name = a.string(2);
      List<String> options = new ArrayList<>();
      for (int i = 3; i < a.count(); i++) {
        options.addAll(List.of(a.string(i).split(",(?=[A-Za-z_-]+=)")));
      }
      CacheDefinition.of(name, options).create(n.persistence, n.caches, n.config.dir());
      n.cacheCreated(name);
      r.ok();
    } else if (a.equalsIgnoreCase(1, "LIST")) {
      arity(a, "cache|list", 2);
      List<String> names = n.caches.names();
      r.array(names.size());
      for (String name : names) {
        r.bulk(name);
      }
    } else if (a.equalsIgnoreCase(1, "PURGE")) {
      arity(a, "cache|purge", 3);
      named(n, a.string(2)).purge();
      flushTracked(n, s);
      r.ok();
    } else if (a.equalsIgnoreCase(1, "DROP")) {
      arity(a, "cache|drop", 3);
      String name = a.string(2);
      Cache dropped = n.dropCache(name);
      if (dropped == null) {
        throw new CommandError("ERR no such cache '" + name + "'");
      }
      StoreCaches.closeLater(dropped);
      flushTracked(n, s);
      r.ok();
    } else if (a.equalsIgnoreCase(1, "USE")) {
      arity(a, "cache|use", 3);
      String name = a.string(2);
      if (!n.select(s, name, true)) {
        throw CommandDispatcher.noSuchCache(name);
      }
      r.ok();
    } else if (a.equalsIgnoreCase(1, "INFO")) {
      arity(a, "cache|info", 3);
      Cache c = named(n, a.string(2));
      CacheStats st = c.stats();
      Map<String, String> m = new LinkedHashMap<>(c.config().toMap());
      m.put("keys", Long.toString(c.size()));
      m.put("bytes", Long.toString(c.weightedSize()));
      m.put("hits", Long.toString(st.hits()));
      m.put("misses", Long.toString(st.misses()));
      m.put("evictions", Long.toString(st.evictions()));
      m.put("expirations", Long.toString(st.expirations()));
      m.putAll(StoreCaches.describe(c));
      if (n.persistence != null) {
        m.putAll(n.persistence.describe(c.name()));
      }
      r.map(m.size());
      for (Map.Entry<String, String> e : m.entrySet()) {
        r.bulk(e.getKey());
        r.bulk(e.getValue());
      }
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      help(r, "CACHE CREATE <name> [policy=lru|arc|tinylfu] [maxmemory=<size>] [ttl=<duration>]"
          + " [store=<jdbc url>|<from-to:jdbc url;...>] [mode=cache-aside|read-through|"
          + "write-through|write-behind|write-back] [batch-size=N] [flush-interval=<duration>]"
          + " [queue-bound=N] [on-full=block|error] [table=T] [key-column=K] [value-column=V]"
          + " [appendonly=yes|no] [appendfsync=always|everysec|no]"
          + " [snapshot-interval=<duration>]",
          "CACHE LIST", "CACHE PURGE <name>", "CACHE DROP <name>", "CACHE INFO <name>",
          "CACHE USE <name>: SELECT <name>, but if there is no such cache the connection is left"
          + " with none, so the commands behind fail instead of running in the previous cache");
    } else {
      unknownSubcommand(a, "CACHE");
    }
  }

  /**
   * Tells tracking clients to drop everything, as FLUSHDB does: tracking names keys, not caches,
   * so a purged or dropped cache's keys cannot be announced one by one (an agent's near cache would
   * otherwise keep serving them).
   */
  private static void flushTracked(Node n, Session s) {
    if (n.tracking.active()) {
      n.tracking.afterFlush(s);
    }
  }

  private static Cache named(Node n, String name) {
    Cache c = n.caches.get(name);
    if (c == null) {
      throw new CommandError("ERR no such cache '" + name + "'");
    }
    return c;
  }
}
