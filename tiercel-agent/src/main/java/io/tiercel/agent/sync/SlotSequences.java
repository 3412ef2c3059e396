package io.tiercel.agent.sync;

import io.tiercel.core.KeySlot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The last SYNC sequence this agent has seen in every key slot of the node's current epoch, and
 * the three ways a missed message shows up against it.
 *
 * <p>The node numbers each slot's messages 1, 2, 3, ... within an epoch (see the node's
 * {@code SyncHub}) and delivers them in order. So: (1) a message with {@code seq > last + 1}
 * reveals that {@code seq - last - 1} messages were lost; (2) on (re)subscribing, the node's
 * table of current sequences shows every slot that moved while this agent was away, or, if the
 * epoch changed, that the node restarted and nothing can be replayed; (3) a periodic table check
 * finds a loss that no later message revealed. Because messages published just before a check
 * may still be on the wire, a slot behind in a check is only a <em>suspect</em>; it is a gap if
 * at the next check it is still below what the previous check showed.
 *
 * <p><b>Own messages.</b> The node does not send an agent its own messages back; the agent learns
 * their sequences from the publish replies, which arrive on another connection and thread. So a
 * slot's numbers come in from two streams: pushed ones, in order, and own ones, in order among
 * themselves but interleaved with the pushes arbitrarily. A number that arrives before the ones
 * below it waits in the slot's {@code ahead} set. A hole is a confirmed gap only when nothing can
 * still fill it: it lies below a <em>pushed</em> number (the node pushes a slot in order, so a
 * pushed {@code n} means every lower push already came) and no own publish of the slot is still
 * unanswered (it may be the missing number). A hole below only own numbers waits for its push.
 *
 * <p>Not thread-safe: the synchronizer runs it on the subscriber connection's event loop.
 */
public final class SlotSequences {
  /** A confirmed gap: messages {@code after + 1 .. upto - 1} of {@code slot} are missing. */
  public record Gap(int slot, long after, long upto) {
    /** Returns how many messages are missing. */
    public long missed() {
      return upto - after - 1;
    }
  }

  private long epoch;
  private final long[] last = new long[KeySlot.SLOTS];
  private Map<Integer, Long> suspects = new HashMap<>();
  /** Per slot, numbers above {@code last + 1} seen early: true if pushed, false if own. */
  private final Map<Integer, TreeMap<Long, Boolean>> ahead = new HashMap<>();

  /** Returns the epoch of the baseline, 0 before the first subscription. */
  public long epoch() {
    return epoch;
  }

  /** Returns the last sequence seen in {@code slot}. */
  public long last(int slot) {
    return last[slot];
  }

  /** Starts over from the node's table of epoch {@code epoch}. */
  public void reset(long epoch, long[] table) {
    this.epoch = epoch;
    System.arraycopy(table, 0, last, 0, last.length);
    suspects = new HashMap<>();
    ahead.clear();
  }

  /**
   * Records pushed message {@code seq} of {@code slot} when no own publish of it is unanswered;
   * returns the gap it reveals, or null. Stale or duplicate sequences are ignored.
   */
  public Gap advance(int slot, long seq) {
    List<Gap> gaps = pushed(slot, seq, false);
    return gaps.isEmpty() ? null : gaps.get(0);
  }

  /**
   * Records pushed message {@code seq} of {@code slot}; {@code ownPending} says whether an own
   * publish of the slot is still unanswered. Returns the gaps now confirmed (usually none).
   */
  public List<Gap> pushed(int slot, long seq, boolean ownPending) {
    long prev = last[slot];
    if (seq == prev + 1 && (ahead.isEmpty() || !ahead.containsKey(slot))) {
      last[slot] = seq;
      return List.of();
    }
    return record(slot, seq, true, ownPending);
  }

  /**
   * Records {@code seq}, the sequence the node gave an own publish of {@code slot};
   * {@code ownPending} says whether another own publish of the slot is still unanswered.
   * Returns the gaps now confirmed.
   */
  public List<Gap> published(int slot, long seq, boolean ownPending) {
    if (seq == last[slot] + 1 && (ahead.isEmpty() || !ahead.containsKey(slot))) {
      last[slot] = seq;
      return List.of();
    }
    return record(slot, seq, false, ownPending);
  }

  /** Returns the gaps of {@code slot} confirmed now that no own publish of it is unanswered. */
  public List<Gap> settle(int slot) {
    return ahead.containsKey(slot) ? resolve(slot, false) : List.of();
  }

  /** Returns how many sequences wait above a hole (held back until it is filled or a gap). */
  public int waiting() {
    int n = 0;
    for (TreeMap<Long, Boolean> m : ahead.values()) {
      n += m.size();
    }
    return n;
  }

  private List<Gap> record(int slot, long seq, boolean pushed, boolean ownPending) {
    if (seq <= last[slot]) {
      return List.of();
    }
    ahead.computeIfAbsent(slot, k -> new TreeMap<>()).merge(seq, pushed, Boolean::logicalOr);
    return resolve(slot, ownPending);
  }

  /**
   * Moves {@code last} of {@code slot} over the numbers that wait in order, and over the holes
   * that are confirmed gaps (below a pushed number, with no own publish unanswered).
   */
  private List<Gap> resolve(int slot, boolean ownPending) {
    TreeMap<Long, Boolean> waiting = ahead.get(slot);
    long lastPushed = -1;
    if (!ownPending) {
      for (Map.Entry<Long, Boolean> e : waiting.entrySet()) {
        if (e.getValue()) {
          lastPushed = e.getKey();
        }
      }
    }
    List<Gap> gaps = List.of();
    while (!waiting.isEmpty()) {
      long next = waiting.firstKey();
      if (next != last[slot] + 1) {
        if (next > lastPushed) {
          break;
        }
        if (gaps.isEmpty()) {
          gaps = new ArrayList<>(1);
        }
        gaps.add(new Gap(slot, last[slot], next));
      }
      last[slot] = next;
      waiting.pollFirstEntry();
    }
    if (waiting.isEmpty()) {
      ahead.remove(slot);
    }
    return gaps;
  }

  /** Drops what waits of {@code slot} at or below its {@code last}. */
  private void dropPassed(int slot) {
    TreeMap<Long, Boolean> waiting = ahead.get(slot);
    if (waiting != null) {
      waiting.headMap(last[slot], true).clear();
      if (waiting.isEmpty()) {
        ahead.remove(slot);
      }
    }
  }

  /**
   * Compares the node's table after a resubscription in the same epoch; returns every slot that
   * moved meanwhile (each moved up to the table, so later live messages continue from there).
   */
  public List<Gap> behind(long[] table) {
    List<Gap> gaps = new ArrayList<>();
    for (int slot = 0; slot < last.length; slot++) {
      if (table[slot] > last[slot]) {
        gaps.add(new Gap(slot, last[slot], table[slot] + 1));
        last[slot] = table[slot];
        dropPassed(slot);
      }
    }
    suspects = new HashMap<>();
    return gaps;
  }

  /**
   * A periodic check against the node's table: returns the confirmed gaps (slots still below
   * what the previous check showed) and remembers the new suspects.
   */
  public List<Gap> check(long[] table) {
    List<Gap> gaps = new ArrayList<>();
    Map<Integer, Long> next = new HashMap<>();
    for (int slot = 0; slot < last.length; slot++) {
      if (table[slot] <= last[slot]) {
        continue;
      }
      Long before = suspects.get(slot);
      if (before != null && last[slot] < before) {
        gaps.add(new Gap(slot, last[slot], before + 1));
        last[slot] = before;
        dropPassed(slot);
        if (table[slot] > before) {
          next.put(slot, table[slot]);
        }
      } else {
        next.put(slot, table[slot]);
      }
    }
    suspects = next;
    return gaps;
  }

  /** Moves {@code slot} back to {@code seq} (a repair from there was cut off). */
  public void rewind(int slot, long seq) {
    last[slot] = Math.min(last[slot], seq);
  }

  /**
   * Decodes the node's table: 10-byte records of slot (2 bytes) and sequence (8), big-endian.
   *
   * @throws IllegalArgumentException if the bytes are not such a table
   */
  public static long[] decodeTable(byte[] bytes) {
    if (bytes.length % 10 != 0) {
      throw new IllegalArgumentException("sequence table of " + bytes.length + " bytes");
    }
    long[] table = new long[KeySlot.SLOTS];
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      int slot = Short.toUnsignedInt(b.getShort());
      if (slot >= KeySlot.SLOTS) {
        throw new IllegalArgumentException("slot " + slot + " in sequence table");
      }
      table[slot] = b.getLong();
    }
    return table;
  }

  @Override
  public String toString() {
    return "SlotSequences[epoch=" + epoch + ", nonzero="
        + Arrays.stream(last).filter(s -> s != 0).count() + "]";
  }
}
