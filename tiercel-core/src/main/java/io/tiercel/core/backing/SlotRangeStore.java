package io.tiercel.core.backing;

import io.tiercel.core.ByteKey;
import io.tiercel.core.KeySlot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A backing store sharded by hash slot: each slot range maps to its own store (its own database),
 * so a shard of the key space has the same database whichever node holds it. Bulk calls are split
 * per shard. Every one of the 16384 slots must be covered exactly once.
 */
public final class SlotRangeStore implements BackingStore {
  private final BackingStore[] bySlot = new BackingStore[KeySlot.SLOTS];
  private final List<Shard> shards;

  /** One slot range {@code [from, to]} and its store. */
  public record Shard(int from, int to, BackingStore store) {}

  /** Creates the sharded store; fails unless the ranges cover every slot exactly once. */
  public SlotRangeStore(List<Shard> shards) {
    this.shards = List.copyOf(shards);
    for (Shard s : shards) {
      if (s.from < 0 || s.to >= KeySlot.SLOTS || s.from > s.to) {
        throw new IllegalArgumentException("store shard: " + s.from + "-" + s.to
            + " (expected: a range within 0-" + (KeySlot.SLOTS - 1) + ")");
      }
      for (int slot = s.from; slot <= s.to; slot++) {
        if (bySlot[slot] != null) {
          throw new IllegalArgumentException("store shards: slot " + slot + " is mapped twice");
        }
        bySlot[slot] = s.store;
      }
    }
    for (int slot = 0; slot < KeySlot.SLOTS; slot++) {
      if (bySlot[slot] == null) {
        throw new IllegalArgumentException("store shards: slot " + slot
            + " has no database (expected: ranges covering 0-" + (KeySlot.SLOTS - 1) + ")");
      }
    }
  }

  /** Returns the shards. */
  public List<Shard> shards() {
    return shards;
  }

  /** Returns the store holding {@code key}. */
  public BackingStore storeOf(byte[] key) {
    return bySlot[KeySlot.of(key)];
  }

  @Override
  public byte[] load(byte[] key) {
    return storeOf(key).load(key);
  }

  @Override
  public Map<ByteKey, byte[]> loadAll(Collection<ByteKey> keys) {
    Map<ByteKey, byte[]> out = new HashMap<>();
    for (Map.Entry<BackingStore, List<ByteKey>> e : split(keys).entrySet()) {
      out.putAll(e.getKey().loadAll(e.getValue()));
    }
    return out;
  }

  @Override
  public void store(byte[] key, byte[] value) {
    storeOf(key).store(key, value);
  }

  @Override
  public void storeAll(Map<ByteKey, byte[]> entries) {
    Map<BackingStore, Map<ByteKey, byte[]>> parts = new LinkedHashMap<>();
    for (Map.Entry<ByteKey, byte[]> e : entries.entrySet()) {
      parts.computeIfAbsent(storeOf(e.getKey().bytes()), s -> new LinkedHashMap<>())
          .put(e.getKey(), e.getValue());
    }
    for (Map.Entry<BackingStore, Map<ByteKey, byte[]>> e : parts.entrySet()) {
      e.getKey().storeAll(e.getValue());
    }
  }

  @Override
  public void delete(byte[] key) {
    storeOf(key).delete(key);
  }

  @Override
  public void deleteAll(Collection<ByteKey> keys) {
    for (Map.Entry<BackingStore, List<ByteKey>> e : split(keys).entrySet()) {
      e.getKey().deleteAll(e.getValue());
    }
  }

  private Map<BackingStore, List<ByteKey>> split(Collection<ByteKey> keys) {
    Map<BackingStore, List<ByteKey>> parts = new LinkedHashMap<>();
    for (ByteKey k : keys) {
      parts.computeIfAbsent(storeOf(k.bytes()), s -> new ArrayList<>()).add(k);
    }
    return parts;
  }

  @Override
  public long statements() {
    long n = 0;
    for (Shard s : shards) {
      n += s.store.statements();
    }
    return n;
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Shard s : shards) {
      sb.append(sb.isEmpty() ? "" : ";").append(s.from).append('-').append(s.to).append(':')
          .append(s.store.describe());
    }
    return sb.toString();
  }

  @Override
  public void close() {
    for (Shard s : shards) {
      s.store.close();
    }
  }
}
