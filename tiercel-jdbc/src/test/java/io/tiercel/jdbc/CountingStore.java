package io.tiercel.jdbc;

import io.tiercel.core.backing.BackingStore;
import io.tiercel.core.ByteKey;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the loads reaching a real store, to prove single-flight; everything else passes on. */
final class CountingStore implements BackingStore {
  final BackingStore real;
  final AtomicInteger loads = new AtomicInteger();

  CountingStore(BackingStore real) {
    this.real = real;
  }

  @Override
  public byte[] load(byte[] key) {
    loads.incrementAndGet();
    return real.load(key);
  }

  @Override
  public Map<ByteKey, byte[]> loadAll(Collection<ByteKey> keys) {
    loads.incrementAndGet();
    return real.loadAll(keys);
  }

  @Override
  public void store(byte[] key, byte[] value) {
    real.store(key, value);
  }

  @Override
  public void storeAll(Map<ByteKey, byte[]> entries) {
    real.storeAll(entries);
  }

  @Override
  public void delete(byte[] key) {
    real.delete(key);
  }

  @Override
  public void deleteAll(Collection<ByteKey> keys) {
    real.deleteAll(keys);
  }

  @Override
  public long statements() {
    return real.statements();
  }

  @Override
  public void close() {
    real.close();
  }
}
