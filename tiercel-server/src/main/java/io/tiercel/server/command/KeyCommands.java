package io.tiercel.server.command;

import io.tiercel.core.Cache;
import io.tiercel.core.KeySlot;
import io.tiercel.core.MutableEntry;
import io.tiercel.core.ValueReader;
import io.tiercel.protocol.resp.RespArgs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The generic key commands: existence, expiry, enumeration, renaming and flushing. */
final class KeyCommands {
  private static final ValueReader<Boolean> TOUCH = (array, offset, length, expireAt) -> true;
  private static final int EXPIRE_NX = 1;
  private static final int EXPIRE_XX = 2;
  private static final int EXPIRE_GT = 4;
  private static final int EXPIRE_LT = 8;

  private static final CommandError INVALID_CURSOR = new CommandError("ERR invalid cursor");

  private KeyCommands() {}

  static void del(Node n, Session s, RespArgs a, Reply r) {
    r.integer(countKeys(a, s.cache::remove));
  }

  static void exists(Node n, Session s, RespArgs a, Reply r) {
    r.integer(countKeys(a, s.cache::containsKey));
  }

  static void touch(Node n, Session s, RespArgs a, Reply r) {
    Cache cache = s.cache;
    r.integer(countKeys(a, key -> cache.read(key, TOUCH) != null));
  }

  /** Returns how many of the command's keys (arguments 1..n) pass {@code test}, in order. */
  private static long countKeys(RespArgs a, Predicate<byte[]> test) {
    long count = 0;
    for (int i = 1; i < a.count(); i++) {
      if (test.test(a.bytes(i))) {
        count++;
      }
    }
    return count;
  }


  /** EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT, with NX, XX, GT and LT as in Redis 7. */
  static void expire(Node n, Session s, RespArgs a, Reply r, boolean seconds, boolean relative,
      String command) {
    int flags = 0;
    for (int i = 3; i < a.count(); i++) {
      if (a.equalsIgnoreCase(i, "NX")) {
        flags |= EXPIRE_NX;
      } else if (a.equalsIgnoreCase(i, "XX")) {
        flags |= EXPIRE_XX;
      } else if (a.equalsIgnoreCase(i, "GT")) {
        flags |= EXPIRE_GT;
      } else if (a.equalsIgnoreCase(i, "LT")) {
        flags |= EXPIRE_LT;
      } else {
        throw new CommandError("ERR Unsupported option " + a.string(i));
      }
    }
    if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
      throw new CommandError(
          "ERR NX and XX, GT or LT options at the same time are not compatible");
    }
    if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
      throw new CommandError("ERR GT and LT options at the same time are not compatible");
    }
    long when = Args.integer(a, 2);
    if (seconds) {
      if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
        throw StringCommands.invalidExpireTime(command);
      }
      when *= 1000;
    }
    long now = n.clock.millis();
    long base = relative ? now : 0;
    if (when > Long.MAX_VALUE - base) {
      throw StringCommands.invalidExpireTime(command);
    }
    long at = when + base;
    int f = flags;
    Integer result = s.cache.compute(a.bytes(1), e -> {
      if (!e.exists()) {
        return 0;
      }
      long current = e.expireAt();
      boolean none = current == Cache.NO_EXPIRY;
      if (((f & EXPIRE_NX) != 0 && !none)
          || ((f & EXPIRE_XX) != 0 && none)
          || ((f & EXPIRE_GT) != 0 && (none || at <= current))
          || ((f & EXPIRE_LT) != 0 && !none && at >= current)) {
        return 0;
      }
      if (at <= now) {
        e.remove();
      } else {
        e.setExpireAt(at);
      }
      return 1;
    });
    r.integer(result);
  }

  /** TTL, PTTL, EXPIRETIME and PEXPIRETIME. */
  static void ttl(Node n, Session s, RespArgs a, Reply r, boolean millis, boolean absolute) {
    long at = s.cache.expireAt(a.bytes(1));
    if (at == Cache.ABSENT || at == Cache.NO_EXPIRY) {
      r.integer(at);
      return;
    }
    long ttl = absolute ? at : Math.max(0, at - n.clock.millis());
    r.integer(millis ? ttl : (ttl + 500) / 1000);
  }

  static void persist(Node n, Session s, RespArgs a, Reply r) {
    Integer result = s.cache.compute(a.bytes(1), e -> {
      if (!e.exists() || e.expireAt() == Cache.NO_EXPIRY) {
        return 0;
      }
      e.setExpireAt(Cache.NO_EXPIRY);
      return 1;
    });
    r.integer(result);
  }

  static void keys(Node n, Session s, RespArgs a, Reply r) {
    byte[] pattern = a.bytes(1);
    boolean all = pattern.length == 1 && pattern[0] == '*';
    Cache cache = s.cache;
    List<byte[]> keys = new ArrayList<>();
    long cursor = 0;
    // Each pass visits at least one slot, so 16384 passes end any scan.
    for (int pass = 0; pass <= 16384; pass++) {
      cursor = cache.scan(cursor, 1024, key -> {
        if (all || Glob.matches(pattern, key)) {
          keys.add(key);
        }
      });
      if (cursor == 0) {
        break;
      }
    }
    keys.removeIf(key -> !cache.containsKey(key));
    r.array(keys.size());
    for (byte[] key : keys) {
      r.bulk(key);
    }
  }

  static void scan(Node n, Session s, RespArgs a, Reply r) {
    long cursor = cursor(a.string(1));
    byte[] pattern = null;
    long count = 10;
    boolean strings = true;
    for (int i = 2; i < a.count(); i++) {
      boolean hasNext = i + 1 < a.count();
      if (a.equalsIgnoreCase(i, "MATCH") && hasNext) {
        pattern = a.bytes(++i);
        if (pattern.length == 1 && pattern[0] == '*') {
          pattern = null;
        }
      } else if (a.equalsIgnoreCase(i, "COUNT") && hasNext) {
        count = Args.integer(a, ++i);
        if (count < 1) {
          throw CommandError.SYNTAX;
        }
      } else if (a.equalsIgnoreCase(i, "TYPE") && hasNext) {
        strings = a.equalsIgnoreCase(++i, "string");
      } else {
        throw CommandError.SYNTAX;
      }
    }
    Cache cache = s.cache;
    List<byte[]> keys = new ArrayList<>();
    byte[] p = pattern;
    // A cursor past the last slot was not handed out by this node: the scan is over.
    boolean past = Long.compareUnsigned(cursor, KeySlot.SLOTS) >= 0;
    long next = past ? 0 : cache.scan(cursor, (int) Math.min(count, 1 << 20), key -> {
      if (p == null || Glob.matches(p, key)) {
        keys.add(key);
      }
    });
    if (!strings) {
      keys.clear();
    }
    keys.removeIf(key -> !cache.containsKey(key));
    r.array(2);
    r.bulk(Long.toUnsignedString(next));
    r.array(keys.size());
    for (byte[] key : keys) {
      r.bulk(key);
    }
  }

  /**
   * Parses a SCAN cursor as Redis does with {@code strtoul}: an optional sign, decimal digits
   * (none is 0), no spaces, at most 2^64 - 1; a minus sign negates modulo 2^64.
   */
  static long cursor(String text) {
    int i = 0;
    boolean negative = false;
    if (!text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-')) {
      negative = text.charAt(0) == '-';
      i = 1;
      if (text.length() == 1) {
        throw INVALID_CURSOR;
      }
    }
    long value = 0;
    for (; i < text.length(); i++) {
      int d = text.charAt(i) - '0';
      if (d < 0 || d > 9) {
        throw INVALID_CURSOR;
      }
      if (Long.compareUnsigned(value, Long.divideUnsigned(-1L, 10)) > 0) {
        throw INVALID_CURSOR;
      }
      long next = value * 10 + d;
      if (Long.compareUnsigned(next, value * 10) < 0) {
        throw INVALID_CURSOR;
      }
      value = next;
    }
    return negative ? -value : value;
  }

  static void type(Node n, Session s, RespArgs a, Reply r) {
    r.simple(s.cache.containsKey(a.bytes(1)) ? "string" : "none");
  }

  /** RENAME and RENAMENX: moves the value and its expiry, atomically ({@link Cache#computeAll}). */
  static void rename(Node n, Session s, RespArgs a, Reply r, boolean nx) {
    Object result = s.cache.computeAll(List.of(a.bytes(1), a.bytes(2)), entries -> {
      MutableEntry from = entries.get(0);
      MutableEntry to = entries.get(1);
      if (!from.exists()) {
        return CommandError.NO_SUCH_KEY;
      }
      if (from == to || (nx && to.exists())) {
        // Renaming a key to itself changes nothing; RENAMENX onto a live key neither.
        return Boolean.FALSE;
      }
      to.setValue(from.value(), from.expireAt());
      from.remove();
      return Boolean.TRUE;
    });
    if (result instanceof CommandError error) {
      throw error;
    }
    if (nx) {
      r.integer(result == Boolean.TRUE ? 1 : 0);
    } else {
      r.ok();
    }
  }

  static void flush(Node n, Session s, RespArgs a, Reply r, boolean all) {
    if (a.count() > 2 || (a.count() == 2
        && !a.equalsIgnoreCase(1, "ASYNC") && !a.equalsIgnoreCase(1, "SYNC"))) {
      throw CommandError.SYNTAX;
    }
    if (all) {
      for (String name : n.caches.names()) {
        Cache c = n.caches.get(name);
        if (c != null) {
          c.purge();
        }
      }
    } else {
      s.cache.purge();
    }
    r.ok();
  }

  static void dbsize(Node n, Session s, RespArgs a, Reply r) {
    r.integer(s.cache.size());
  }

  static void randomkey(Node n, Session s, RespArgs a, Reply r) {
    r.bulk(s.cache.randomKey());
  }
}
