package io.tiercel.core.store;

import io.tiercel.core.Cache;
import io.tiercel.core.CacheConfig;
import io.tiercel.core.CacheStats;
import io.tiercel.core.Clock;
import io.tiercel.core.EntryMutator;
import io.tiercel.core.EvictionPolicyKind;
import io.tiercel.core.RemovalListener;
import io.tiercel.core.ValueReader;
import java.util.function.Consumer;

/** IN PROGRESS: placeholder so dependents compile while the store is written (same session). */
public final class BoundedCache implements Cache {
  /** Creates the cache. */
  public BoundedCache(String name, CacheConfig config, Clock clock, RemovalListener listener) {
    throw new UnsupportedOperationException("store not written yet");
  }

  @Override public String name() { throw new UnsupportedOperationException(); }
  @Override public CacheConfig config() { throw new UnsupportedOperationException(); }
  @Override public byte[] get(byte[] key) { throw new UnsupportedOperationException(); }
  @Override public <R> R read(byte[] key, ValueReader<R> reader) { throw new UnsupportedOperationException(); }
  @Override public boolean containsKey(byte[] key) { throw new UnsupportedOperationException(); }
  @Override public void put(byte[] key, byte[] value) { throw new UnsupportedOperationException(); }
  @Override public void put(byte[] key, byte[] value, long e) { throw new UnsupportedOperationException(); }
  @Override public boolean remove(byte[] key) { throw new UnsupportedOperationException(); }
  @Override public <R> R compute(byte[] key, EntryMutator<R> m) { throw new UnsupportedOperationException(); }
  @Override public long expireAt(byte[] key) { throw new UnsupportedOperationException(); }
  @Override public long size() { throw new UnsupportedOperationException(); }
  @Override public long weightedSize() { throw new UnsupportedOperationException(); }
  @Override public void setMaxMemory(long bytes) { throw new UnsupportedOperationException(); }
  @Override public void setPolicy(EvictionPolicyKind policy) { throw new UnsupportedOperationException(); }
  @Override public void purge() { throw new UnsupportedOperationException(); }
  @Override public long scan(long c, int n, Consumer<byte[]> k) { throw new UnsupportedOperationException(); }
  @Override public int countKeysInSlot(int slot) { throw new UnsupportedOperationException(); }
  @Override public void forEachKeyInSlot(int slot, Consumer<byte[]> k) { throw new UnsupportedOperationException(); }
  @Override public int removeSlot(int slot) { throw new UnsupportedOperationException(); }
  @Override public byte[] randomKey() { throw new UnsupportedOperationException(); }
  @Override public CacheStats stats() { throw new UnsupportedOperationException(); }
  @Override public void cleanUp() { throw new UnsupportedOperationException(); }
}
