package io.tiercel.server.command;

import io.tiercel.core.ByteKey;
import io.tiercel.protocol.resp.RespArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/** Plain pub/sub: PUBLISH, (P)SUBSCRIBE, (P)UNSUBSCRIBE and PUBSUB introspection. */
final class PubSubCommands {
  private PubSubCommands() {}

  static void publish(Node n, Session s, RespArgs a, Reply r) {
    r.integer(n.publish(s, a.bytes(1), a.bytes(2)));
  }

  static void subscribe(Node n, Session s, RespArgs a, Reply r, boolean pattern) {
    Map<ByteKey, Set<Session>> registry = pattern ? n.patterns : n.channels;
    Set<ByteKey> mine = pattern ? s.patterns : s.channels;
    for (int i = 1; i < a.count(); i++) {
      ByteKey name = new ByteKey(a.bytes(i));
      if (mine.add(name)) {
        registry.computeIfAbsent(name, k -> ConcurrentHashMap.newKeySet()).add(s);
      }
      r.push(3);
      r.bulk(pattern ? "psubscribe" : "subscribe");
      r.bulk(name.bytes());
      r.integer(s.subscriptions());
    }
  }

  static void unsubscribe(Node n, Session s, RespArgs a, Reply r, boolean pattern) {
    Map<ByteKey, Set<Session>> registry = pattern ? n.patterns : n.channels;
    Set<ByteKey> mine = pattern ? s.patterns : s.channels;
    String kind = pattern ? "punsubscribe" : "unsubscribe";
    List<ByteKey> names = new ArrayList<>();
    if (a.count() == 1) {
      names.addAll(mine);
      if (names.isEmpty()) {
        r.push(3);
        r.bulk(kind);
        r.nullBulk();
        r.integer(s.subscriptions());
        return;
      }
    } else {
      for (int i = 1; i < a.count(); i++) {
        names.add(new ByteKey(a.bytes(i)));
      }
    }
    for (ByteKey name : names) {
      if (mine.remove(name)) {
        Node.removeSubscriber(registry, name, s);
      }
      r.push(3);
      r.bulk(kind);
      r.bulk(name.bytes());
      r.integer(s.subscriptions());
    }
  }

  /** Drops every subscription of {@code s} without replying (RESET). */
  static void unsubscribeAll(Node n, Session s) {
    for (ByteKey name : s.channels) {
      Node.removeSubscriber(n.channels, name, s);
    }
    for (ByteKey name : s.patterns) {
      Node.removeSubscriber(n.patterns, name, s);
    }
    s.channels.clear();
    s.patterns.clear();
  }

  static void pubsub(Node n, Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "CHANNELS") && a.count() <= 3) {
      byte[] pattern = a.count() == 3 ? a.bytes(2) : null;
      Set<ByteKey> names = new TreeSet<>((x, y) -> java.util.Arrays.compare(x.bytes(), y.bytes()));
      for (ByteKey name : n.channels.keySet()) {
        if (pattern == null || Glob.matches(pattern, name.bytes())) {
          names.add(name);
        }
      }
      r.array(names.size());
      for (ByteKey name : names) {
        r.bulk(name.bytes());
      }
    } else if (a.equalsIgnoreCase(1, "NUMSUB")) {
      r.map(a.count() - 2);
      for (int i = 2; i < a.count(); i++) {
        byte[] name = a.bytes(i);
        Set<Session> subs = n.channels.get(new ByteKey(name));
        r.bulk(name);
        r.integer(subs == null ? 0 : subs.size());
      }
    } else if (a.equalsIgnoreCase(1, "NUMPAT") && a.count() == 2) {
      r.integer(n.patterns.size());
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      r.array(1);
      r.simple("PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT");
    } else {
      AdminCommands.unknownSubcommand(a, "PUBSUB");
    }
  }
}
