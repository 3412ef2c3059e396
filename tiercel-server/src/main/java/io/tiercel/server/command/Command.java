package io.tiercel.server.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every command the node knows, with Redis's arity (positive: exact; negative: at least), flags
 * and key positions, which {@code COMMAND INFO} reports.
 */
public enum Command {
  // Connection
  PING(-1, "fast,stale,sub"), ECHO(2, "fast"), HELLO(-1, "noauth,fast,stale"),
  AUTH(-2, "noauth,fast,stale"), SELECT(2, "fast,stale"), QUIT(-1, "noauth,fast,stale,sub"),
  RESET(1, "noauth,fast,stale,sub"),
  // Strings
  GET(2, "readonly,fast", 1, 1, 1), SET(-3, "write,denyoom", 1, 1, 1),
  SETNX(3, "write,denyoom,fast", 1, 1, 1), SETEX(4, "write,denyoom", 1, 1, 1),
  PSETEX(4, "write,denyoom", 1, 1, 1), GETSET(3, "write,denyoom,fast", 1, 1, 1),
  GETDEL(2, "write,fast", 1, 1, 1), GETEX(-2, "write,fast", 1, 1, 1),
  MGET(-2, "readonly,fast", 1, -1, 1), MSET(-3, "write,denyoom", 1, -1, 2),
  MSETNX(-3, "write,denyoom", 1, -1, 2), INCR(2, "write,denyoom,fast", 1, 1, 1),
  DECR(2, "write,denyoom,fast", 1, 1, 1), INCRBY(3, "write,denyoom,fast", 1, 1, 1),
  DECRBY(3, "write,denyoom,fast", 1, 1, 1), INCRBYFLOAT(3, "write,denyoom,fast", 1, 1, 1),
  APPEND(3, "write,denyoom,fast", 1, 1, 1), STRLEN(2, "readonly,fast", 1, 1, 1),
  GETRANGE(4, "readonly", 1, 1, 1), SUBSTR(4, "readonly", 1, 1, 1),
  SETRANGE(4, "write,denyoom", 1, 1, 1),
  // Keys
  DEL(-2, "write", 1, -1, 1), UNLINK(-2, "write,fast", 1, -1, 1),
  EXISTS(-2, "readonly,fast", 1, -1, 1), TOUCH(-2, "readonly,fast", 1, -1, 1),
  EXPIRE(-3, "write,fast", 1, 1, 1), PEXPIRE(-3, "write,fast", 1, 1, 1),
  EXPIREAT(-3, "write,fast", 1, 1, 1), PEXPIREAT(-3, "write,fast", 1, 1, 1),
  TTL(2, "readonly,fast", 1, 1, 1), PTTL(2, "readonly,fast", 1, 1, 1),
  EXPIRETIME(2, "readonly,fast", 1, 1, 1), PEXPIRETIME(2, "readonly,fast", 1, 1, 1),
  PERSIST(2, "write,fast", 1, 1, 1), KEYS(2, "readonly"), SCAN(-2, "readonly"),
  DBSIZE(1, "readonly,fast"), RANDOMKEY(1, "readonly"), TYPE(2, "readonly,fast", 1, 1, 1),
  RENAME(3, "write", 1, 2, 1), RENAMENX(3, "write,fast", 1, 2, 1), FLUSHDB(-1, "write"),
  FLUSHALL(-1, "write"),
  // Server
  INFO(-1, "loading,stale"), CONFIG(-2, "admin,noscript,loading,stale"),
  COMMAND(-1, "loading,stale"), CLIENT(-2, "admin,noscript,loading,stale"),
  TIME(1, "loading,stale,fast"), CACHE(-2, "admin"),
  // Introspection (containers, as in Redis: their subcommands name the key)
  MEMORY(-2, ""), OBJECT(-2, ""),
  // Persistence
  SAVE(1, "admin,noscript"), BGSAVE(-1, "admin,noscript"), LASTSAVE(1, "loading,stale,fast"),
  BGREWRITEAOF(1, "admin,noscript"),
  // Pub/Sub
  PUBLISH(3, "pubsub,loading,stale,fast"), SUBSCRIBE(-2, "pubsub,noscript,loading,stale,sub"),
  UNSUBSCRIBE(-1, "pubsub,noscript,loading,stale,sub"),
  PSUBSCRIBE(-2, "pubsub,noscript,loading,stale,sub"),
  PUNSUBSCRIBE(-1, "pubsub,noscript,loading,stale,sub"), PUBSUB(-2, "pubsub,loading,stale"),
  // Cluster (a cluster of one until nodes join a coordinator; see ClusterCommands)
  CLUSTER(-2, "loading,stale"), READONLY(1, "loading,stale,fast"),
  READWRITE(1, "loading,stale,fast"), WAIT(3, "noscript"),
  // Agents' sequenced SYNC channel (see SyncHub)
  SYNCHUB(-2, "pubsub,loading,stale");

  /** The lower-case name, as Redis spells it in errors. */
  final String lowerName;
  final int arity;
  final List<String> flags;
  final boolean noAuth;
  /** Whether the command only reads its keys (CLIENT TRACKING remembers them). */
  final boolean readOnly;
  /** Whether the command may change its keys (CLIENT TRACKING invalidates them). */
  final boolean write;
  final boolean allowedWhileSubscribed;
  final int firstKey;
  final int lastKey;
  final int step;

  Command(int arity, String flags) {
    this(arity, flags, 0, 0, 0);
  }

  Command(int arity, String flags, int firstKey, int lastKey, int step) {
    this.lowerName = name().toLowerCase(Locale.ROOT);
    this.arity = arity;
    List<String> f = new ArrayList<>(flags.isEmpty() ? List.of() : List.of(flags.split(",")));
    this.noAuth = f.contains("noauth");
    this.readOnly = f.contains("readonly") && firstKey > 0;
    this.write = f.contains("write") && firstKey > 0;
    this.allowedWhileSubscribed = f.remove("sub");
    this.flags = List.copyOf(f);
    this.firstKey = firstKey;
    this.lastKey = lastKey;
    this.step = step;
  }

  /** Returns the name in lower case, as Redis spells it in errors and metrics. */
  public String lowerName() {
    return lowerName;
  }

  /** Returns whether the command only reads data. */
  public boolean readOnly() {
    return flags.contains("readonly");
  }

  /** Returns whether the command may change data. */
  public boolean writes() {
    return flags.contains("write");
  }

  /** Returns whether {@code argc} arguments (name included) satisfy the arity. */
  boolean arityAccepts(int argc) {
    return arity > 0 ? argc == arity : argc >= -arity;
  }
}
