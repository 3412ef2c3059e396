package io.tiercel.server.command;

import io.tiercel.core.CacheFullException;
import io.tiercel.core.CacheManager;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespReplies;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one decoded command for a session and writes its reply: lookup without allocation, the
 * arity, authentication and pub/sub checks Redis makes in the same order, then the command.
 */
public final class CommandDispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(CommandDispatcher.class);

  private final Node node;

  /** Creates the dispatcher of a node. */
  public CommandDispatcher(Node node) {
    this.node = node;
  }

  /** Returns the node commands run against. */
  public Node node() {
    return node;
  }

  /** Runs {@code a} for {@code s}, writing the reply to {@code s}'s reply batch. */
  public void execute(Session s, RespArgs a) {
    execute(s, a, 0);
  }

  /**
   * Runs {@code a} for {@code s} and times it from {@code startNanos} ({@link System#nanoTime},
   * or 0 to start now); returns the time it ended, to start the next command of a pipelined
   * batch from, or 0 when no observer times commands (none, or one {@link CommandObserver#timed}
   * says does not read times). Chaining saves one clock read a command.
   */
  public long execute(Session s, RespArgs a, long startNanos) {
    CommandObserver observer = node.observer;
    if (observer == CommandObserver.NONE) {
      dispatch(s, a);
      return 0;
    }
    Reply r = s.reply;
    int errors = r.errors;
    int nulls = r.nulls;
    boolean timed = node.observerTimed;
    long start = !timed ? 0 : startNanos != 0 ? startNanos : System.nanoTime();
    Command cmd = dispatch(s, a);
    long end = timed ? System.nanoTime() : 0;
    int result = r.errors != errors ? CommandObserver.ERROR
        : r.nulls != nulls ? CommandObserver.MISS : CommandObserver.OK;
    observer.completed(cmd, result, end - start);
    return end;
  }

  /** Returns whether commands are timed, i.e. whether a batch should read the clock first. */
  public boolean timed() {
    return node.observerTimed;
  }

  /** Runs {@code a} for {@code s}; returns the command, or null if the name is unknown. */
  private Command dispatch(Session s, RespArgs a) {
    Reply r = s.reply;
    Command cmd = CommandTable.lookup(a.buffer(), a.index(0), a.length(0));
    long now = node.clock.millis();
    if (now != s.lastInteractionMillis) {
      // A volatile store only when the millisecond changed: most commands of a busy client skip it.
      s.lastInteractionMillis = now;
    }
    if (cmd == null) {
      r.error(unknownCommand(a));
      return cmd;
    }
    if (!cmd.arityAccepts(a.count())) {
      r.error(wrongArity(cmd.lowerName));
      return cmd;
    }
    if (!s.authenticated && !cmd.noAuth) {
      if (node.authRequired()) {
        r.error("NOAUTH Authentication required.");
        return cmd;
      }
      s.authenticated = true;
    }
    if (!s.resp3 && s.subscriptions() > 0 && !cmd.allowedWhileSubscribed) {
      r.error("ERR Can't execute '" + cmd.lowerName + "': only (P|S)SUBSCRIBE / "
          + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
      return cmd;
    }
    s.lastCommand = cmd.lowerName;
    node.commandsProcessed.increment();
    if (AsyncCommand.needed(s, cmd)) {
      AsyncCommand.start(this, cmd, s, a);
      return cmd;
    }
    runGuarded(cmd, s, a, r);
    return cmd;
  }

  /** Runs {@code cmd}, turning its exceptions into error replies. */
  void runGuarded(Command cmd, Session s, RespArgs a, Reply r) {
    try {
      if (cmd.readOnly && s.tracking) {
        node.tracking.beforeRead(s, cmd, a);
      }
      run(cmd, s, a, r);
      if (cmd.write && node.tracking.active()) {
        node.tracking.afterWrite(s, cmd, a);
      } else if ((cmd == Command.FLUSHDB || cmd == Command.FLUSHALL) && node.tracking.active()) {
        node.tracking.afterFlush(s);
      }
    } catch (io.tiercel.core.backing.BackingStoreException e) {
      r.error("ERR backing store: " + e.getMessage());
    } catch (CommandError e) {
      r.error(e.getMessage());
    } catch (CacheFullException e) {
      r.error(CommandError.OOM.getMessage());
    } catch (io.tiercel.persistence.LogFullException e) {
      r.error("ERR " + e.getMessage());
    } catch (IllegalArgumentException e) {
      r.error("ERR " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("command {} failed", cmd.lowerName, e);
      r.error("ERR internal error in '" + cmd.lowerName + "': " + e);
    }
  }

  private void run(Command cmd, Session s, RespArgs a, Reply r) {
    Node n = node;
    switch (cmd) {
      case PING -> ping(s, a, r);
      case ECHO -> r.bulk(a.buffer(), a.index(1), a.length(1));
      case HELLO -> hello(s, a, r);
      case AUTH -> auth(s, a, r);
      case SELECT -> select(s, a, r);
      case QUIT -> {
        r.ok();
        s.closing = true;
      }
      case RESET -> reset(s, r);
      case GET -> StringCommands.get(n, s, a, r);
      case SET -> StringCommands.set(n, s, a, r);
      case SETNX -> StringCommands.setnx(n, s, a, r);
      case SETEX -> StringCommands.setex(n, s, a, r, true, "setex");
      case PSETEX -> StringCommands.setex(n, s, a, r, false, "psetex");
      case GETSET -> StringCommands.getset(n, s, a, r);
      case GETDEL -> StringCommands.getdel(n, s, a, r);
      case GETEX -> StringCommands.getex(n, s, a, r);
      case MGET -> StringCommands.mget(n, s, a, r);
      case MSET -> StringCommands.mset(n, s, a, r, "mset");
      case MSETNX -> StringCommands.msetnx(n, s, a, r);
      case INCR -> StringCommands.incrBy(n, s, a, r, 1);
      case DECR -> StringCommands.incrBy(n, s, a, r, -1);
      case INCRBY -> StringCommands.incrBy(n, s, a, r, Args.integer(a, 2));
      case DECRBY -> {
        long by = Args.integer(a, 2);
        if (by == Long.MIN_VALUE) {
          throw new CommandError("ERR decrement would overflow");
        }
        StringCommands.incrBy(n, s, a, r, -by);
      }
      case INCRBYFLOAT -> StringCommands.incrByFloat(n, s, a, r);
      case APPEND -> StringCommands.append(n, s, a, r);
      case STRLEN -> StringCommands.strlen(n, s, a, r);
      case GETRANGE, SUBSTR -> StringCommands.getrange(n, s, a, r);
      case SETRANGE -> StringCommands.setrange(n, s, a, r);
      case DEL, UNLINK -> KeyCommands.del(n, s, a, r);
      case EXISTS -> KeyCommands.exists(n, s, a, r);
      case TOUCH -> KeyCommands.touch(n, s, a, r);
      case EXPIRE -> KeyCommands.expire(n, s, a, r, true, true, "expire");
      case PEXPIRE -> KeyCommands.expire(n, s, a, r, false, true, "pexpire");
      case EXPIREAT -> KeyCommands.expire(n, s, a, r, true, false, "expireat");
      case PEXPIREAT -> KeyCommands.expire(n, s, a, r, false, false, "pexpireat");
      case TTL -> KeyCommands.ttl(n, s, a, r, false, false);
      case PTTL -> KeyCommands.ttl(n, s, a, r, true, false);
      case EXPIRETIME -> KeyCommands.ttl(n, s, a, r, false, true);
      case PEXPIRETIME -> KeyCommands.ttl(n, s, a, r, true, true);
      case PERSIST -> KeyCommands.persist(n, s, a, r);
      case KEYS -> KeyCommands.keys(n, s, a, r);
      case SCAN -> KeyCommands.scan(n, s, a, r);
      case DBSIZE -> KeyCommands.dbsize(n, s, a, r);
      case RANDOMKEY -> KeyCommands.randomkey(n, s, a, r);
      case TYPE -> KeyCommands.type(n, s, a, r);
      case RENAME -> KeyCommands.rename(n, s, a, r, false);
      case RENAMENX -> KeyCommands.rename(n, s, a, r, true);
      case FLUSHDB -> KeyCommands.flush(n, s, a, r, false);
      case FLUSHALL -> KeyCommands.flush(n, s, a, r, true);
      case INFO -> AdminCommands.info(n, s, a, r);
      case CONFIG -> AdminCommands.config(n, s, a, r);
      case COMMAND -> AdminCommands.command(n, s, a, r);
      case CLIENT -> AdminCommands.client(n, s, a, r);
      case TIME -> AdminCommands.time(n, r);
      case CACHE -> AdminCommands.cache(n, s, a, r);
      case MEMORY -> IntrospectionCommands.memory(n, s, a, r);
      case OBJECT -> IntrospectionCommands.object(n, s, a, r);
      case SAVE -> PersistenceCommands.save(n, r);
      case BGSAVE -> PersistenceCommands.bgsave(n, a, r);
      case LASTSAVE -> PersistenceCommands.lastsave(n, r);
      case BGREWRITEAOF -> PersistenceCommands.bgrewriteaof(n, r);
      case PUBLISH -> PubSubCommands.publish(n, s, a, r);
      case SUBSCRIBE -> PubSubCommands.subscribe(n, s, a, r, false);
      case PSUBSCRIBE -> PubSubCommands.subscribe(n, s, a, r, true);
      case UNSUBSCRIBE -> PubSubCommands.unsubscribe(n, s, a, r, false);
      case PUNSUBSCRIBE -> PubSubCommands.unsubscribe(n, s, a, r, true);
      case PUBSUB -> PubSubCommands.pubsub(n, s, a, r);
      case CLUSTER -> ClusterCommands.cluster(n, s, a, r);
      case READONLY, READWRITE -> ClusterCommands.readMode(r);
      case WAIT -> ClusterCommands.waitReplicas(s, a, r);
      case SYNCHUB -> n.syncHub.command(s, a, r);
      default -> throw new AssertionError(cmd);
    }
  }

  /** Returns Redis's unknown-command error, quoting up to 128 characters of arguments. */
  static String unknownCommand(RespArgs a) {
    String name = a.string(0);
    if (name.length() > 128) {
      name = name.substring(0, 128);
    }
    StringBuilder args = new StringBuilder();
    for (int i = 1; i < a.count() && args.length() < 128; i++) {
      String arg = a.string(i);
      int room = 128 - args.length();
      args.append('\'').append(arg.length() > room ? arg.substring(0, room) : arg).append("' ");
    }
    return "ERR unknown command '" + name + "', with args beginning with: " + args;
  }

  /** Returns Redis's wrong-arity error for {@code name} (e.g. {@code get}, {@code config|get}). */
  static String wrongArity(String name) {
    return "ERR wrong number of arguments for '" + name + "' command";
  }

  private static void ping(Session s, RespArgs a, Reply r) {
    if (a.count() > 2) {
      throw new CommandError(wrongArity("ping"));
    }
    if (!s.resp3 && s.subscriptions() > 0) {
      r.array(2);
      r.bulk("pong");
      if (a.count() == 2) {
        r.bulk(a.buffer(), a.index(1), a.length(1));
      } else {
        r.raw(RespReplies.EMPTY_BULK);
      }
    } else if (a.count() == 2) {
      r.bulk(a.buffer(), a.index(1), a.length(1));
    } else {
      r.raw(RespReplies.PONG);
    }
  }

  /** Returns whether {@code password} is the node's password, in constant time. */
  private boolean checkPassword(String user, String password) {
    String required = node.requirePass;
    if (!"default".equals(user)) {
      return false;
    }
    if (required == null) {
      return true;
    }
    return MessageDigest.isEqual(
        required.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
  }

  private void auth(Session s, RespArgs a, Reply r) {
    if (a.count() > 3) {
      throw CommandError.SYNTAX;
    }
    if (a.count() == 2 && node.requirePass == null) {
      throw new CommandError("ERR AUTH <password> called without any password configured for "
          + "the default user. Are you sure your configuration is correct?");
    }
    String user = a.count() == 3 ? a.string(1) : "default";
    if (!checkPassword(user, a.string(a.count() - 1))) {
      throw new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
    }
    s.authenticated = true;
    r.ok();
  }

  private void hello(Session s, RespArgs a, Reply r) {
    int protocol = s.resp3 ? 3 : 2;
    if (a.count() >= 2) {
      if (!a.isLong(1)) {
        throw new CommandError("ERR Protocol version is not an integer or out of range");
      }
      long version = a.longValue(1);
      if (version < 2 || version > 3) {
        throw new CommandError("NOPROTO unsupported protocol version");
      }
      protocol = (int) version;
    }
    String name = null;
    boolean authenticated = false;
    for (int i = 2; i < a.count(); i++) {
      if (a.equalsIgnoreCase(i, "AUTH") && a.count() - i - 1 >= 2) {
        if (!checkPassword(a.string(i + 1), a.string(i + 2))) {
          throw new CommandError("WRONGPASS invalid username-password pair or user is disabled.");
        }
        authenticated = true;
        i += 2;
      } else if (a.equalsIgnoreCase(i, "SETNAME") && a.count() - i - 1 >= 1) {
        name = a.string(++i);
        AdminCommands.checkClientName(name);
      } else {
        throw new CommandError("ERR Syntax error in HELLO option '" + a.string(i) + "'");
      }
    }
    if (authenticated) {
      s.authenticated = true;
    } else if (!s.authenticated && node.authRequired()) {
      throw new CommandError("NOAUTH HELLO must be called with the client already "
          + "authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used "
          + "to authenticate the client and select the RESP protocol version at the same time");
    } else {
      s.authenticated = true;
    }
    if (name != null) {
      s.name = name;
    }
    s.resp3 = protocol == 3;
    r.setResp3(s.resp3);
    r.map(7);
    r.bulk("server");
    r.bulk("redis");
    r.bulk("version");
    r.bulk(AdminCommands.REDIS_VERSION);
    r.bulk("proto");
    r.integer(protocol);
    r.bulk("id");
    r.integer(s.id);
    r.bulk("mode");
    r.bulk("cluster");
    r.bulk("role");
    r.bulk("master");
    r.bulk("modules");
    r.array(0);
  }

  private void select(Session s, RespArgs a, Reply r) {
    String name;
    if (a.isLong(1)) {
      if (a.longValue(1) != 0) {
        throw new CommandError("ERR DB index is out of range");
      }
      name = CacheManager.DEFAULT_CACHE;
    } else {
      name = a.string(1);
    }
    if (!node.select(s, name, false)) {
      throw noSuchCache(name);
    }
    r.ok();
  }

  /** Returns SELECT's error for a cache that does not exist. */
  static CommandError noSuchCache(String name) {
    return new CommandError("ERR no such cache '" + name + "' (CACHE CREATE makes one)");
  }

  private void reset(Session s, Reply r) {
    PubSubCommands.unsubscribeAll(node, s);
    node.syncHub.unsubscribe(s);
    s.syncOrigin = 0;
    s.resp3 = false;
    r.setResp3(false);
    s.name = "";
    node.selectDefault(s);
    s.authenticated = !node.authRequired();
    r.simple("RESET");
  }
}
