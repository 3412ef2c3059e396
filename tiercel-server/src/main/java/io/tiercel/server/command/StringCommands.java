package io.tiercel.server.command;

import io.tiercel.core.Cache;
import io.tiercel.core.KeyBatch;
import io.tiercel.core.MutableEntry;
import io.tiercel.core.ValueReader;
import io.tiercel.protocol.resp.RespArgs;
import io.tiercel.protocol.resp.RespWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The string commands. Every read-modify-write runs inside {@link Cache#compute}, so each command
 * is atomic on its key; a mutator reports failure by returning a {@link CommandError} after
 * changing nothing.
 */
final class StringCommands {
  /** The largest string SETRANGE and APPEND may build, as Redis's proto-max-bulk-len. */
  private static final long MAX_STRING = 512L << 20;
  private static final ValueReader<Integer> LENGTH = (array, offset, length, expireAt) -> length;

  private StringCommands() {}

  static void get(Node n, Session s, RespArgs a, Reply r) {
    if (Args.read(s, a, 1, r) == null) {
      r.nullBulk();
    }
  }

  /** The options of SET and GETEX. */
  private static final int NX = 1;
  private static final int XX = 2;
  private static final int GET = 4;
  private static final int KEEPTTL = 8;
  private static final int PERSIST = 16;
  private static final int EXPIRE = 32;

  /** Parsed SET or GETEX options: flags and an absolute expiry when EXPIRE is set. */
  private record Options(int flags, long expireAt) {}

  /** Parses SET (set=true) or GETEX options from argument {@code from}, as Redis does. */
  private static Options options(Node n, RespArgs a, int from, boolean set, String command) {
    int flags = 0;
    int unitIndex = -1;
    for (int i = from; i < a.count(); i++) {
      boolean hasNext = i + 1 < a.count();
      if (set && a.equalsIgnoreCase(i, "NX") && (flags & XX) == 0) {
        flags |= NX;
      } else if (set && a.equalsIgnoreCase(i, "XX") && (flags & NX) == 0) {
        flags |= XX;
      } else if (set && a.equalsIgnoreCase(i, "GET")) {
        flags |= GET;
      } else if (set && a.equalsIgnoreCase(i, "KEEPTTL") && (flags & (PERSIST | EXPIRE)) == 0) {
        flags |= KEEPTTL;
      } else if (!set && a.equalsIgnoreCase(i, "PERSIST") && (flags & (EXPIRE | KEEPTTL)) == 0) {
        flags |= PERSIST;
      } else if ((a.equalsIgnoreCase(i, "EX") || a.equalsIgnoreCase(i, "PX")
          || a.equalsIgnoreCase(i, "EXAT") || a.equalsIgnoreCase(i, "PXAT"))
          && (flags & (KEEPTTL | PERSIST)) == 0 && hasNext
          && ((flags & EXPIRE) == 0 || a.equalsIgnoreCase(i, a.string(unitIndex)))) {
        // As Redis: repeating the same unit is allowed and the last value wins; mixing is not.
        flags |= EXPIRE;
        unitIndex = i;
        i++;
      } else {
        throw CommandError.SYNTAX;
      }
    }
    if ((flags & EXPIRE) == 0) {
      return new Options(flags, Cache.NO_EXPIRY);
    }
    long when = Args.integer(a, unitIndex + 1);
    boolean seconds = a.equalsIgnoreCase(unitIndex, "EX") || a.equalsIgnoreCase(unitIndex, "EXAT");
    boolean relative = a.equalsIgnoreCase(unitIndex, "EX") || a.equalsIgnoreCase(unitIndex, "PX");
    return new Options(flags, expireAt(n, when, seconds, relative, command));
  }

  /** Converts SET-style expiry arguments to epoch ms, failing on zero, negatives and overflow. */
  static long expireAt(Node n, long when, boolean seconds, boolean relative, String command) {
    if (when <= 0 || (seconds && when > Long.MAX_VALUE / 1000)) {
      throw invalidExpireTime(command);
    }
    long ms = seconds ? when * 1000 : when;
    if (relative) {
      long now = n.clock.millis();
      if (ms > Long.MAX_VALUE - now) {
        throw invalidExpireTime(command);
      }
      ms += now;
    }
    return ms;
  }

  /** Returns Redis's error for an expiry that is zero, negative or overflows. */
  static CommandError invalidExpireTime(String command) {
    return new CommandError("ERR invalid expire time in '" + command + "' command");
  }

  static void set(Node n, Session s, RespArgs a, Reply r) {
    Cache cache = s.cache;
    if (a.count() == 3) {
      Args.putPacked(s, a, 1, 2);
      r.ok();
      return;
    }
    Options o = options(n, a, 3, true, "set");
    long now = n.clock.millis();
    if (o.flags == EXPIRE && o.expireAt > now) {
      // SET key value EX/PX/EXAT/PXAT with a future expiry: a plain put, like SETEX.
      cache.putPacked(Args.packed(a, 1, 2), o.expireAt);
      r.ok();
      return;
    }
    byte[] key = a.bytes(1);
    byte[] value = a.bytes(2);
    long defaultExpiry = Args.defaultExpireAt(n, cache);
    Object[] result = new Object[2];
    cache.compute(key, e -> {
      boolean exists = e.exists();
      result[0] = ((o.flags & GET) != 0 && exists) ? e.value() : null;
      if (((o.flags & NX) != 0 && exists) || ((o.flags & XX) != 0 && !exists)) {
        return null;
      }
      result[1] = Boolean.TRUE;
      if ((o.flags & KEEPTTL) != 0) {
        e.setValue(value, exists ? e.expireAt() : defaultExpiry);
      } else if ((o.flags & EXPIRE) != 0) {
        if (o.expireAt <= now) {
          e.remove();
        } else {
          e.setValue(value, o.expireAt);
        }
      } else {
        e.setValue(value, defaultExpiry);
      }
      return null;
    });
    if ((o.flags & GET) != 0) {
      r.bulk((byte[]) result[0]);
    } else if (result[1] != null) {
      r.ok();
    } else {
      r.nullBulk();
    }
  }

  static void setnx(Node n, Session s, RespArgs a, Reply r) {
    byte[] value = a.bytes(2);
    long expiry = Args.defaultExpireAt(n, s.cache);
    Boolean set = s.cache.compute(a.bytes(1), e -> {
      if (e.exists()) {
        return Boolean.FALSE;
      }
      e.setValue(value, expiry);
      return Boolean.TRUE;
    });
    r.integer(set ? 1 : 0);
  }

  static void setex(Node n, Session s, RespArgs a, Reply r, boolean seconds, String command) {
    long when = Args.integer(a, 2);
    long expireAt = expireAt(n, when, seconds, true, command);
    s.cache.putPacked(Args.packed(a, 1, 3), expireAt);
    r.ok();
  }

  static void getset(Node n, Session s, RespArgs a, Reply r) {
    byte[] value = a.bytes(2);
    long expiry = Args.defaultExpireAt(n, s.cache);
    byte[] old = s.cache.compute(a.bytes(1), e -> {
      byte[] previous = e.exists() ? e.value() : null;
      e.setValue(value, expiry);
      return previous;
    });
    r.bulk(old);
  }

  static void getdel(Node n, Session s, RespArgs a, Reply r) {
    byte[] old = s.cache.compute(a.bytes(1), e -> {
      if (!e.exists()) {
        return null;
      }
      byte[] previous = e.value();
      e.remove();
      return previous;
    });
    r.bulk(old);
  }

  static void getex(Node n, Session s, RespArgs a, Reply r) {
    Options o = options(n, a, 2, false, "getex");
    long now = n.clock.millis();
    byte[] value = s.cache.compute(a.bytes(1), e -> {
      if (!e.exists()) {
        return null;
      }
      byte[] v = e.value();
      if ((o.flags & PERSIST) != 0) {
        e.setExpireAt(Cache.NO_EXPIRY);
      } else if ((o.flags & EXPIRE) != 0) {
        if (o.expireAt <= now) {
          e.remove();
        } else {
          e.setExpireAt(o.expireAt);
        }
      }
      return v;
    });
    r.bulk(value);
  }

  static void mget(Node n, Session s, RespArgs a, Reply r) {
    r.array(a.count() - 1);
    for (int from = 1; from < a.count(); from += KeyBatch.CAPACITY) {
      int to = Math.min(a.count(), from + KeyBatch.CAPACITY);
      Args.prefetch(s, a, from, to, 1);
      for (int i = from; i < to; i++) {
        if (Args.read(s, a, i, r) == null) {
          r.nullBulk();
        }
      }
    }
  }

  static void mset(Node n, Session s, RespArgs a, Reply r, String command) {
    checkPairs(a, command);
    Args.prefetch(s, a, 1, a.count(), 2);
    List<byte[]> values = values(a);
    long expiry = Args.defaultExpireAt(n, s.cache);
    s.cache.computeAll(keys(a), entries -> {
      for (int i = 0; i < entries.size(); i++) {
        entries.get(i).setValue(values.get(i), expiry);
      }
      return null;
    });
    r.ok();
  }

  /** MSETNX: sets every key only if none exists, atomically ({@link Cache#computeAll}). */
  static void msetnx(Node n, Session s, RespArgs a, Reply r) {
    checkPairs(a, "msetnx");
    Args.prefetch(s, a, 1, a.count(), 2);
    List<byte[]> values = values(a);
    long expiry = Args.defaultExpireAt(n, s.cache);
    Boolean set = s.cache.computeAll(keys(a), entries -> {
      for (MutableEntry e : entries) {
        if (e.exists()) {
          return Boolean.FALSE;
        }
      }
      // A key given twice shares one view, so its last value wins, as in Redis.
      for (int i = 0; i < entries.size(); i++) {
        entries.get(i).setValue(values.get(i), expiry);
      }
      return Boolean.TRUE;
    });
    r.integer(set ? 1 : 0);
  }

  private static void checkPairs(RespArgs a, String command) {
    if ((a.count() - 1) % 2 != 0) {
      throw new CommandError(CommandDispatcher.wrongArity(command));
    }
  }

  /** Returns the keys of a key-value argument list (arguments 1, 3, 5...). */
  private static List<byte[]> keys(RespArgs a) {
    List<byte[]> keys = new ArrayList<>(a.count() / 2);
    for (int i = 1; i < a.count(); i += 2) {
      keys.add(a.bytes(i));
    }
    return keys;
  }

  /** Returns the values of a key-value argument list (arguments 2, 4, 6...). */
  private static List<byte[]> values(RespArgs a) {
    List<byte[]> values = new ArrayList<>(a.count() / 2);
    for (int i = 2; i < a.count(); i += 2) {
      values.add(a.bytes(i));
    }
    return values;
  }

  static void incrBy(Node n, Session s, RespArgs a, Reply r, long increment) {
    long expiry = Args.defaultExpireAt(n, s.cache);
    Object result = s.cache.compute(a.bytes(1), e -> {
      long current = 0;
      if (e.exists()) {
        if (!Args.isLong(e.valueArray(), e.valueOffset(), e.valueLength())) {
          return CommandError.NOT_INTEGER;
        }
        current = Args.toLong(e.valueArray(), e.valueOffset(), e.valueLength());
      }
      if ((increment < 0 && current < 0 && increment < Long.MIN_VALUE - current)
          || (increment > 0 && current > 0 && increment > Long.MAX_VALUE - current)) {
        return CommandError.OVERFLOW;
      }
      long next = current + increment;
      set(e, Args.ascii(next), expiry);
      return next;
    });
    if (result instanceof CommandError error) {
      throw error;
    }
    r.integer((Long) result);
  }

  static void incrByFloat(Node n, Session s, RespArgs a, Reply r) {
    byte[] increment = a.bytes(2);
    long expiry = Args.defaultExpireAt(n, s.cache);
    Object result = s.cache.compute(a.bytes(1), e -> {
      try {
        // Redis reads the stored value first, then the increment; both fail with one text.
        BigDecimal current = e.exists()
            ? LongDouble.parse(e.valueArray(), e.valueOffset(), e.valueLength(),
                CommandError.NOT_FLOAT)
            : BigDecimal.ZERO;
        BigDecimal by = LongDouble.parse(increment, 0, increment.length, CommandError.NOT_FLOAT);
        BigDecimal next = current == null || by == null ? null : LongDouble.add(current, by);
        if (next == null) {
          return CommandError.NAN_OR_INF;
        }
        byte[] text = LongDouble.format(next).getBytes(StandardCharsets.US_ASCII);
        set(e, text, expiry);
        return text;
      } catch (CommandError error) {
        return error;
      }
    });
    if (result instanceof CommandError error) {
      throw error;
    }
    r.bulk((byte[]) result);
  }

  /** Sets a value, keeping a live entry's expiry and giving a new one the default. */
  private static void set(MutableEntry e, byte[] value, long defaultExpiry) {
    if (e.exists()) {
      e.setValue(value);
    } else {
      e.setValue(value, defaultExpiry);
    }
  }

  static void append(Node n, Session s, RespArgs a, Reply r) {
    byte[] suffix = a.bytes(2);
    long expiry = Args.defaultExpireAt(n, s.cache);
    Object result = s.cache.compute(a.bytes(1), e -> {
      if (!e.exists()) {
        e.setValue(suffix, expiry);
        return suffix.length;
      }
      long total = (long) e.valueLength() + suffix.length;
      if (total > MAX_STRING) {
        return CommandError.TOO_BIG;
      }
      byte[] joined = Arrays.copyOf(e.value(), (int) total);
      System.arraycopy(suffix, 0, joined, e.valueLength(), suffix.length);
      e.setValue(joined);
      return joined.length;
    });
    if (result instanceof CommandError error) {
      throw error;
    }
    r.integer((Integer) result);
  }

  static void strlen(Node n, Session s, RespArgs a, Reply r) {
    Integer length = Args.read(s, a, 1, LENGTH);
    r.integer(length == null ? 0 : length);
  }

  static void getrange(Node n, Session s, RespArgs a, Reply r) {
    long start = Args.integer(a, 2);
    long end = Args.integer(a, 3);
    Boolean found = Args.read(s, a, 1, r.rewinding(
        (array, offset, length, expireAt) -> range(start, end, r, array, offset, length)));
    if (found == null) {
      r.bulk(new byte[0]);
    }
  }

  /** Writes GETRANGE's reply for the value in {@code array[offset, offset + length)}. */
  private static Boolean range(
      long start, long end, Reply r, byte[] array, int offset, int length) {
    long from = start;
    long to = end;
    if (from < 0 && to < 0 && from > to) {
      r.bulk(new byte[0]);
      return Boolean.TRUE;
    }
    if (from < 0) {
      from = length + from;
    }
    if (to < 0) {
      to = length + to;
    }
    if (from < 0) {
      from = 0;
    }
    if (to < 0) {
      to = 0;
    }
    if (to >= length) {
      to = length - 1L;
    }
    if (from > to || length == 0) {
      r.bulk(new byte[0]);
    } else {
      RespWriter.bulk(r.out(), array, offset + (int) from, (int) (to - from + 1));
    }
    return Boolean.TRUE;
  }

  static void setrange(Node n, Session s, RespArgs a, Reply r) {
    long offset = Args.integer(a, 2);
    if (offset < 0) {
      throw CommandError.OFFSET_RANGE;
    }
    byte[] patch = a.bytes(3);
    if (patch.length > 0 && offset + patch.length > MAX_STRING) {
      throw CommandError.TOO_BIG;
    }
    long expiry = Args.defaultExpireAt(n, s.cache);
    Integer length = s.cache.compute(a.bytes(1), e -> {
      int current = e.exists() ? e.valueLength() : 0;
      if (patch.length == 0) {
        return current;
      }
      int size = (int) Math.max(current, offset + patch.length);
      byte[] value = e.exists() ? Arrays.copyOf(e.value(), size) : new byte[size];
      System.arraycopy(patch, 0, value, (int) offset, patch.length);
      set(e, value, expiry);
      return size;
    });
    r.integer(length);
  }
}
