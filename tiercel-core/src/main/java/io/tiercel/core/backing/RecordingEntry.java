package io.tiercel.core.backing;

import io.tiercel.core.Cache;
import io.tiercel.core.Clock;
import io.tiercel.core.MutableEntry;

/**
 * A {@link MutableEntry} that passes every call to the real entry and records what the mutation
 * did to the value, so {@link BackedCache} knows what to store, and what to restore if the store
 * refuses it.
 */
final class RecordingEntry implements MutableEntry {
  private final Clock clock;
  private MutableEntry entry;
  private boolean prevExists;
  private byte[] prevValue;
  private long prevExpireAt;
  private boolean valueChanged;
  private boolean removed;
  private byte[] newValue;

  RecordingEntry(Clock clock) {
    this.clock = clock;
  }

  void attach(MutableEntry e) {
    this.entry = e;
    this.prevExists = e.exists();
    if (prevExists) {
      prevValue = e.value();
      prevExpireAt = e.expireAt();
    }
  }

  boolean valueChanged() {
    return valueChanged;
  }

  boolean removed() {
    return removed;
  }

  byte[] newValue() {
    return newValue;
  }

  /** Puts the entry back as it was before the mutation. */
  void restore(Cache cache, byte[] key) {
    cache.compute(key, e -> {
      if (prevExists) {
        e.setValue(prevValue, prevExpireAt);
      } else if (e.exists()) {
        e.remove();
      }
      return null;
    });
  }

  private boolean past(long expireAtMillis) {
    return expireAtMillis >= 0 && expireAtMillis <= clock.millis();
  }

  private void set(byte[] value) {
    valueChanged = true;
    removed = false;
    newValue = value;
  }

  private void delete() {
    valueChanged = true;
    removed = true;
    newValue = null;
  }

  @Override
  public boolean exists() {
    return entry.exists();
  }

  @Override
  public byte[] value() {
    return entry.value();
  }

  @Override
  public byte[] valueArray() {
    return entry.valueArray();
  }

  @Override
  public int valueOffset() {
    return entry.valueOffset();
  }

  @Override
  public int valueLength() {
    return entry.valueLength();
  }

  @Override
  public long expireAt() {
    return entry.expireAt();
  }

  @Override
  public void setValue(byte[] value) {
    entry.setValue(value);
    set(value);
  }

  @Override
  public void setValue(byte[] value, long expireAtMillis) {
    entry.setValue(value, expireAtMillis);
    if (expireAtMillis != Cache.DEFAULT_TTL && past(expireAtMillis)) {
      delete();
    } else {
      set(value);
    }
  }

  @Override
  public void setExpireAt(long expireAtMillis) {
    entry.setExpireAt(expireAtMillis);
    if (past(expireAtMillis)) {
      delete();
    }
  }

  @Override
  public void remove() {
    boolean had = entry.exists() || valueChanged;
    entry.remove();
    if (had) {
      delete();
    }
  }
}
