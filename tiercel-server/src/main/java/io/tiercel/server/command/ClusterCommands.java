package io.tiercel.server.command;

import io.tiercel.core.KeySlot;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * CLUSTER, READONLY, READWRITE and WAIT as a cluster of one node that owns every slot.
 *
 * <p>Design: until nodes join a coordinator, a node is a Redis Cluster of one master serving
 * slots 0-16383 at epoch 0 with no replicas, so unmodified cluster clients (JedisCluster,
 * Lettuce's RedisClusterClient, {@code redis-cli -c}) discover it and route every key to it, and
 * nothing ever answers {@code -MOVED}. The address a client is told is the one it reached: the
 * local address of its own TCP connection (a node bound to 0.0.0.0 has no single address), or,
 * for a UNIX-socket client, the bind address (loopback when that is a wildcard). WAIT has no
 * replicas to count: it answers 0 at once when asked for none, else after its timeout, as Redis
 * does on a master without replicas (timeout 0 blocks until the client goes away).
 */
final class ClusterCommands {
  /** The cluster bus port a node announces: Tiercel has no bus, so 0. */
  private static final int NO_BUS_PORT = 0;

  private ClusterCommands() {}

  static void cluster(Node n, Session s, RespArgs a, Reply r) {
    String sub = a.string(1);
    switch (sub.toUpperCase(java.util.Locale.ROOT)) {
      case "INFO" -> {
        AdminCommands.arity(a, "cluster|info", 2);
        r.verbatim(info());
      }
      case "MYID" -> {
        AdminCommands.arity(a, "cluster|myid", 2);
        r.bulk(n.runId);
      }
      case "MYSHARDID" -> {
        AdminCommands.arity(a, "cluster|myshardid", 2);
        r.bulk(n.shardId);
      }
      case "KEYSLOT" -> {
        AdminCommands.arity(a, "cluster|keyslot", 3);
        r.integer(KeySlot.of(a.bytes(2)));
      }
      case "COUNTKEYSINSLOT" -> {
        AdminCommands.arity(a, "cluster|countkeysinslot", 3);
        long slot = Args.integer(a, 2);
        if (slot < 0 || slot >= KeySlot.SLOTS) {
          throw new CommandError("ERR Invalid slot");
        }
        r.integer(s.cache.countKeysInSlot((int) slot));
      }
      case "GETKEYSINSLOT" -> {
        AdminCommands.arity(a, "cluster|getkeysinslot", 4);
        getKeysInSlot(s, a, r);
      }
      case "SLOTS" -> {
        AdminCommands.arity(a, "cluster|slots", 2);
        slots(n, s, r);
      }
      case "SHARDS" -> {
        AdminCommands.arity(a, "cluster|shards", 2);
        shards(n, s, r);
      }
      case "NODES" -> {
        AdminCommands.arity(a, "cluster|nodes", 2);
        r.verbatim(nodeLine(n, s, true));
      }
      case "REPLICAS", "SLAVES" -> {
        AdminCommands.arity(a, "cluster|" + sub.toLowerCase(java.util.Locale.ROOT), 3);
        if (!a.string(2).equalsIgnoreCase(n.runId)) {
          throw new CommandError("ERR Unknown node " + a.string(2));
        }
        r.array(0);
      }
      case "HELP" -> AdminCommands.help(r, "CLUSTER INFO", "CLUSTER MYID", "CLUSTER MYSHARDID",
          "CLUSTER KEYSLOT <key>", "CLUSTER COUNTKEYSINSLOT <slot>",
          "CLUSTER GETKEYSINSLOT <slot> <count>", "CLUSTER SLOTS", "CLUSTER SHARDS",
          "CLUSTER NODES", "CLUSTER REPLICAS <node-id>");
      default -> AdminCommands.unknownSubcommand(a, "CLUSTER");
    }
  }

  /** Returns CLUSTER INFO's text for a healthy one-node cluster. */
  private static String info() {
    return "cluster_state:ok\r\n"
        + "cluster_slots_assigned:" + KeySlot.SLOTS + "\r\n"
        + "cluster_slots_ok:" + KeySlot.SLOTS + "\r\n"
        + "cluster_slots_pfail:0\r\n"
        + "cluster_slots_fail:0\r\n"
        + "cluster_known_nodes:1\r\n"
        + "cluster_size:1\r\n"
        + "cluster_current_epoch:0\r\n"
        + "cluster_my_epoch:0\r\n"
        + "cluster_stats_messages_sent:0\r\n"
        + "cluster_stats_messages_received:0\r\n"
        + "total_cluster_links_buffer_limit_exceeded:0\r\n";
  }

  private static void getKeysInSlot(Session s, RespArgs a, Reply r) {
    long slot = Args.integer(a, 2);
    long count = Args.integer(a, 3);
    if (slot < 0 || slot >= KeySlot.SLOTS || count < 0) {
      throw new CommandError("ERR Invalid slot or number of keys");
    }
    List<byte[]> keys = new ArrayList<>();
    s.cache.forEachKeyInSlot((int) slot, key -> {
      if (keys.size() < count) {
        keys.add(key);
      }
    });
    r.array(keys.size());
    for (byte[] key : keys) {
      r.bulk(key);
    }
  }

  /** CLUSTER SLOTS: one range, 0-16383, served by this node alone. */
  private static void slots(Node n, Session s, Reply r) {
    r.array(1);
    r.array(3);
    r.integer(0);
    r.integer(KeySlot.SLOTS - 1);
    r.array(4);
    r.bulk(announcedIp(n, s));
    r.integer(n.tcpPort);
    r.bulk(n.runId);
    r.map(0);
  }

  /** CLUSTER SHARDS: one shard of one healthy master owning every slot. */
  private static void shards(Node n, Session s, Reply r) {
    String ip = announcedIp(n, s);
    r.array(1);
    r.map(2);
    r.bulk("slots");
    r.array(2);
    r.integer(0);
    r.integer(KeySlot.SLOTS - 1);
    r.bulk("nodes");
    r.array(1);
    r.map(7);
    r.bulk("id");
    r.bulk(n.runId);
    r.bulk("port");
    r.integer(n.tcpPort);
    r.bulk("ip");
    r.bulk(ip);
    r.bulk("endpoint");
    r.bulk(ip);
    r.bulk("role");
    r.bulk("master");
    r.bulk("replication-offset");
    r.integer(0);
    r.bulk("health");
    r.bulk("online");
  }

  /** Returns this node's CLUSTER NODES line, flagged {@code myself} when {@code self}. */
  static String nodeLine(Node n, Session s, boolean self) {
    String ip = announcedIp(n, s);
    String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    return n.runId + ' ' + host + ':' + n.tcpPort + '@' + NO_BUS_PORT + ' '
        + (self ? "myself,master" : "master") + " - 0 0 0 connected 0-" + (KeySlot.SLOTS - 1)
        + '\n';
  }

  /** Returns the address clients should use to reach this node (see the class comment). */
  static String announcedIp(Node n, Session s) {
    SocketAddress local = s == null ? null : s.channel.localAddress();
    if (local instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    String bind = n.config.bind().split("[ ,]")[0].trim();
    try {
      InetAddress address = InetAddress.getByName(bind);
      return address.isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress()
          : address.getHostAddress();
    } catch (java.net.UnknownHostException e) {
      return bind;
    }
  }

  /** READONLY and READWRITE: accepted; a one-node cluster serves every read itself. */
  static void readMode(Reply r) {
    r.ok();
  }

  /** WAIT numreplicas timeout: no replicas acknowledge, so 0, after the timeout if any asked. */
  static void waitReplicas(Session s, RespArgs a, Reply r) {
    long wanted = Args.integer(a, 1);
    long timeout = Args.integer(a, 2);
    if (timeout < 0) {
      throw new CommandError("ERR timeout is negative");
    }
    if (wanted <= 0 || !s.takesAsyncReplies()) {
      r.integer(0);
      return;
    }
    if (timeout == 0) {
      // As Redis: blocks until the client disconnects; nothing will ever acknowledge.
      s.awaitingReply = true;
      return;
    }
    s.replyLater(timeout, zero -> RespWriter.integer(zero, 0));
  }
}
