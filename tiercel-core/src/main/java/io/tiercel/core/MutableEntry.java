package io.tiercel.core;

/**
 * The view of one key inside {@link Cache#compute}: its live value, if any, and the changes to
 * apply. Valid only during the call.
 */
public interface MutableEntry {

  /** Returns whether the key holds a live (unexpired) value. */
  boolean exists();

  /** Returns a copy of the live value; fails if there is none. */
  byte[] value();

  /** Returns the array holding the live value in place; do not change or keep it. */
  byte[] valueArray();

  /** Returns where the live value starts in {@link #valueArray()}. */
  int valueOffset();

  /** Returns the live value's length. */
  int valueLength();

  /** Returns the live entry's expiry (epoch ms), or {@link Cache#NO_EXPIRY}. */
  long expireAt();

  /**
   * Sets the value, keeping the current expiry (as INCR and APPEND do); a key that was absent
   * gets the cache's default time to live.
   */
  void setValue(byte[] value);

  /**
   * Sets the value and the expiry: epoch ms, {@link Cache#NO_EXPIRY} or {@link Cache#DEFAULT_TTL};
   * an expiry in the past removes the key.
   */
  void setValue(byte[] value, long expireAtMillis);

  /** Changes the expiry of the live value ({@link Cache#NO_EXPIRY} for none); past removes it. */
  void setExpireAt(long expireAtMillis);

  /** Removes the key. */
  void remove();
}
