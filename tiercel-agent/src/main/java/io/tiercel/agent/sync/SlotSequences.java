package io.tiercel.agent.sync;

import io.tiercel.core.KeySlot;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
  }

  /**
   * Records message {@code seq} of {@code slot}; returns the gap it reveals, or null. Stale or
   * duplicate sequences are ignored.
   */
  public Gap advance(int slot, long seq) {
    long prev = last[slot];
    if (seq <= prev) {
      return null;
    }
    last[slot] = seq;
    return seq == prev + 1 ? null : new Gap(slot, prev, seq);
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
