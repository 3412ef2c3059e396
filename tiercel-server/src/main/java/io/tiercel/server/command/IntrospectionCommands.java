package io.tiercel.server.command;

import io.tiercel.core.Cache;
import io.tiercel.core.ValueReader;
import io.tiercel.protocol.resp.RespArgs;

/**
 * MEMORY and OBJECT: what a key costs and how its cache sees it, for Redis's tools
 * ({@code redis-cli --memkeys}, {@code --hotkeys}) and for operators.
 *
 * <p>Replies, errors and their order follow Redis 7: the subcommand is found first, then its
 * arity is checked, then its options, then the key; a missing or expired key answers nil. Every
 * key lookup is an inspection ({@link Cache#peek}): it counts no hit or miss, is no access for the
 * eviction policy, and never loads from a backing store. What Tiercel answers differs from
 * Redis's where its data differs:
 * <ul>
 *   <li>{@code MEMORY USAGE}: the bytes the key's entry is charged against its cache's budget
 *       ({@link Cache#entryWeight}), which is the store's real heap footprint of key, value and
 *       entry. {@code SAMPLES} is checked as Redis checks it; a string has nothing to sample. A key
 *       that has expired answers nil at once, where Redis counts it until it is reclaimed.
 *   <li>{@code MEMORY STATS}: only the fields for which Tiercel has a true value, under Redis's
 *       names: the JVM heap in use ({@code total.allocated}), the keys and the caches' accounted
 *       bytes ({@code dataset.bytes}), as INFO memory reports them ({@link NodeMemory}). No peak
 *       is kept, and a JVM has no allocator arenas to report on.
 *   <li>{@code OBJECT FREQ}: on a tinylfu cache, W-TinyLFU's frequency sketch's estimate (0 to
 *       15, halved as the sketch ages), not Redis's logarithmic 0 to 255 counter; on an lru or
 *       arc cache Redis's error for a policy that is not LFU. The store records no reads until a
 *       cache first weighs half its budget, so until then a key's estimate counts its writes only.
 *   <li>{@code OBJECT ENCODING}: by Redis's rules for a string that SET wrote: int for a canonical
 *       signed 64-bit integer of at most 20 characters, embstr up to 44 bytes, raw above. Tiercel
 *       keeps bytes only, so a value APPEND, SETRANGE or INCRBYFLOAT made, which Redis marks raw
 *       or embstr by its history, is judged by its content.
 *   <li>{@code OBJECT REFCOUNT}: 1, Redis's answer for a string when a maxmemory with an LRU or
 *       LFU policy is set (it then shares no integers), which is always Tiercel's case.
 *   <li>{@code OBJECT IDLETIME}: an error: no eviction policy keeps a per-key access time.
 * </ul>
 */
final class IntrospectionCommands {
  /** Redis's {@code OBJ_ENCODING_EMBSTR_SIZE_LIMIT}: strings up to this many bytes are embstr. */
  static final int EMBSTR_SIZE_LIMIT = 44;

  private static final CommandError LFU_NOT_SELECTED = new CommandError("ERR An LFU maxmemory"
      + " policy is not selected, access frequency not tracked. Please note that when switching"
      + " between policies at runtime LRU and LFU data will take some time to adjust.");
  private static final CommandError IDLE_TIME_NOT_TRACKED = new CommandError("ERR Tiercel keeps"
      + " no per-key access time, idle time not tracked. Its eviction policies order keys without"
      + " timestamps; on a tinylfu cache OBJECT FREQ estimates how often a key is read.");
  /** What Redis built without jemalloc answers; the JVM's heap has no allocator report either. */
  static final String NO_MALLOC_STATS = "Stats not supported for the current allocator";

  private static final ValueReader<String> ENCODING =
      (array, offset, length, expireAt) -> encoding(array, offset, length);
  private static final ValueReader<Boolean> PRESENT = (array, offset, length, expireAt) -> true;

  private IntrospectionCommands() {}

  // ------------------------------------------------------------------------------- MEMORY

  static void memory(Node n, Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "USAGE")) {
      AdminCommands.arity(a, "memory|usage", -3);
      usage(s, a, r);
    } else if (a.equalsIgnoreCase(1, "STATS")) {
      AdminCommands.arity(a, "memory|stats", 2);
      stats(NodeMemory.of(n), r);
    } else if (a.equalsIgnoreCase(1, "DOCTOR")) {
      AdminCommands.arity(a, "memory|doctor", 2);
      r.verbatim(doctor(NodeMemory.of(n)));
    } else if (a.equalsIgnoreCase(1, "MALLOC-STATS")) {
      AdminCommands.arity(a, "memory|malloc-stats", 2);
      r.bulk(NO_MALLOC_STATS);
    } else if (a.equalsIgnoreCase(1, "PURGE")) {
      AdminCommands.arity(a, "memory|purge", 2);
      // Redis asks jemalloc to return dirty pages; the JVM's collector decides that on its own,
      // and forcing a collection would stall a node holding a large heap.
      r.ok();
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      AdminCommands.arity(a, "memory|help", 2);
      AdminCommands.help(r,
          "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "DOCTOR",
          "    Return a short report on memory: the caches' budgets against the JVM heap.",
          "MALLOC-STATS",
          "    Not supported: the JVM heap has no allocator statistics to report.",
          "PURGE",
          "    Answer OK and do nothing: the JVM's collector decides when to return memory.",
          "STATS",
          "    Return the memory figures Tiercel has under Redis's names: the JVM heap in use,",
          "    the number of keys and the bytes the caches account for them.",
          "USAGE <key> [SAMPLES <count>]",
          "    Return the bytes <key>'s entry is charged against its cache's memory budget:",
          "    key, value and the entry's overhead. A string has nothing to sample.",
          "HELP",
          "    Prints this help.");
    } else {
      AdminCommands.unknownSubcommand(a, "MEMORY");
    }
  }

  /** MEMORY USAGE key [SAMPLES count]: options are checked before the key is looked up. */
  private static void usage(Session s, RespArgs a, Reply r) {
    for (int i = 3; i < a.count(); i++) {
      if (a.equalsIgnoreCase(i, "SAMPLES") && i + 1 < a.count()) {
        if (Args.integer(a, ++i) < 0) {
          throw CommandError.SYNTAX;
        }
      } else {
        throw CommandError.SYNTAX;
      }
    }
    long weight = s.cache.entryWeight(a.bytes(2));
    if (weight == Cache.ABSENT) {
      r.nullBulk();
    } else {
      r.integer(weight);
    }
  }

  /** Writes the figures that have a true value under Redis's names, in Redis's order. */
  private static void stats(NodeMemory m, Reply r) {
    r.map(3);
    r.bulk("total.allocated");
    r.integer(m.heapUsed());
    r.bulk("keys.count");
    r.integer(m.keys());
    r.bulk("dataset.bytes");
    r.integer(m.cacheBytes());
  }

  /**
   * Returns MEMORY DOCTOR's report. The one issue Tiercel can see is budgets the heap cannot
   * hold: the caches would not evict before the JVM ran out of heap.
   */
  static String doctor(NodeMemory m) {
    StringBuilder sb = new StringBuilder(256);
    boolean limited = m.heapMax() != Long.MAX_VALUE;
    if (limited && m.budgets() > m.heapMax()) {
      sb.append("Issue: the caches' budgets (").append(AdminCommands.human(m.budgets()))
          .append(" in total) exceed the most the JVM heap may grow to (")
          .append(AdminCommands.human(m.heapMax()))
          .append("), so the heap can run out before the caches evict. Lower maxmemory (CONFIG"
              + " SET maxmemory, or CACHE CREATE ... maxmemory=) or give the JVM a larger -Xmx.\n");
    } else {
      sb.append("I found no memory issue.\n");
    }
    String caches = m.caches() == 1 ? " cache holds " : " caches hold ";
    String keys = m.keys() == 1 ? " key" : " keys";
    String heapMax = limited ? "at most " + AdminCommands.human(m.heapMax()) : "no set maximum";
    sb.append("Tiercel keeps its data on the JVM heap, which has no allocator statistics to"
            + " diagnose: ")
        .append(m.caches()).append(caches).append(AdminCommands.human(m.cacheBytes()))
        .append(" in ").append(m.keys()).append(keys)
        .append(" within budgets of ").append(AdminCommands.human(m.budgets()))
        .append(", and the heap has ").append(AdminCommands.human(m.heapUsed()))
        .append(" in use of ").append(heapMax).append(".\n");
    return sb.toString();
  }

  // ------------------------------------------------------------------------------- OBJECT

  static void object(Node n, Session s, RespArgs a, Reply r) {
    if (a.equalsIgnoreCase(1, "ENCODING")) {
      AdminCommands.arity(a, "object|encoding", 3);
      r.bulk(s.cache.peek(a.bytes(2), ENCODING));
    } else if (a.equalsIgnoreCase(1, "REFCOUNT")) {
      AdminCommands.arity(a, "object|refcount", 3);
      if (s.cache.peek(a.bytes(2), PRESENT) == null) {
        r.nullBulk();
      } else {
        r.integer(1);
      }
    } else if (a.equalsIgnoreCase(1, "IDLETIME")) {
      AdminCommands.arity(a, "object|idletime", 3);
      if (s.cache.peek(a.bytes(2), PRESENT) == null) {
        r.nullBulk();
      } else {
        throw IDLE_TIME_NOT_TRACKED;
      }
    } else if (a.equalsIgnoreCase(1, "FREQ")) {
      AdminCommands.arity(a, "object|freq", 3);
      long frequency = s.cache.frequency(a.bytes(2));
      if (frequency == Cache.ABSENT) {
        r.nullBulk();
      } else if (frequency == Cache.FREQUENCY_NOT_TRACKED) {
        throw LFU_NOT_SELECTED;
      } else {
        r.integer(frequency);
      }
    } else if (a.equalsIgnoreCase(1, "HELP")) {
      AdminCommands.arity(a, "object|help", 2);
      AdminCommands.help(r,
          "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
          "ENCODING <key>",
          "    Return the encoding Redis would give the string value of <key>: int, embstr or",
          "    raw (Tiercel stores every value as bytes).",
          "FREQ <key>",
          "    Return the W-TinyLFU sketch's estimate of how often <key> was read recently,",
          "    from 0 to 15, on a cache whose eviction policy is tinylfu.",
          "IDLETIME <key>",
          "    Not tracked: Tiercel keeps no per-key access time.",
          "REFCOUNT <key>",
          "    Return the number of references of the value of <key>: always 1.",
          "HELP",
          "    Prints this help.");
    } else {
      AdminCommands.unknownSubcommand(a, "OBJECT");
    }
  }

  /**
   * Returns the encoding Redis gives a string SET wrote with these bytes: {@code int} for a
   * canonical signed 64-bit integer (at most 20 characters), else {@code embstr} up to
   * {@link #EMBSTR_SIZE_LIMIT} bytes and {@code raw} above.
   */
  static String encoding(byte[] value, int offset, int length) {
    if (Args.isLong(value, offset, length)) {
      return "int";
    }
    return length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
  }
}
