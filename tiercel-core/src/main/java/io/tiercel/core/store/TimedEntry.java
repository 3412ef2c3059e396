package io.tiercel.core.store;

/** An entry with a time to live; linked into the {@link TimerWheel} while it is resident. */
final class TimedEntry extends Entry {
  final long expireAt;
  /** Timer-wheel links, guarded by the eviction lock; null while not scheduled. */
  TimedEntry wheelPrev;
  TimedEntry wheelNext;

  TimedEntry(byte[] data, int hash, long expireAt) {
    super(data, hash);
    this.expireAt = expireAt;
  }

  @Override
  long expireAt() {
    return expireAt;
  }

  @Override
  boolean isExpired(long now) {
    return expireAt <= now;
  }

  @Override
  public int weight() {
    return EntrySizes.weight(data.length, true);
  }
}
